import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Where this process finds the platform: environment first (production, CI), then the runtime file
 * the embedded launcher (`segflow start`) writes, so the CLI and step processes reach the same
 * embedded database and S3 server while the app runs.
 */
export const ZRuntimeFile = z.object({
  databaseUrl: z.string().optional(),
  s3: z
    .object({
      endpoint: z.string(),
      bucket: z.string(),
      region: z.string(),
      accessKeyId: z.string(),
      secretAccessKey: z.string(),
    })
    .optional(),
  appUrl: z.string().optional(),
  pid: z.number().optional(),
});
export type TRuntimeFile = z.infer<typeof ZRuntimeFile>;

export interface S3Settings {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  kmsKeyId?: string;
  forcePathStyle: boolean;
  /** true when the store keeps object versions (s3rver does not) */
  versioned: boolean;
}

export function dataDir(): string {
  return resolve(process.env.SEGFLOW_DATA_DIR ?? join(process.cwd(), '.data'));
}

export function runtimeFilePath(): string {
  return join(dataDir(), 'runtime.json');
}

export function readRuntimeFile(): TRuntimeFile | null {
  const path = runtimeFilePath();
  if (!existsSync(path)) return null;
  return ZRuntimeFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function databaseUrl(): string | null {
  return process.env.DATABASE_URL || readRuntimeFile()?.databaseUrl || null;
}

export function s3Settings(): S3Settings | null {
  if (process.env.S3_ENDPOINT || process.env.S3_BUCKET) {
    return {
      endpoint: process.env.S3_ENDPOINT || undefined,
      bucket: process.env.S3_BUCKET ?? 'segflow',
      region: process.env.S3_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
      accessKeyId: process.env.S3_ACCESS_KEY_ID ?? process.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? process.env.AWS_SECRET_ACCESS_KEY,
      kmsKeyId: process.env.S3_KMS_KEY_ID || undefined,
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE !== 'false',
      versioned: process.env.S3_VERSIONED !== 'false',
    };
  }
  const rt = readRuntimeFile()?.s3;
  if (!rt) return null;
  return { ...rt, forcePathStyle: true, versioned: false };
}

export function appUrl(): string {
  return process.env.SEGFLOW_URL || readRuntimeFile()?.appUrl || 'http://localhost:3000';
}
