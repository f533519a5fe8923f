import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors';
import { config, type S3Settings } from './config';

/**
 * The runtime file `segflow start` writes (<data dir>/runtime.json): the embedded database's and S3
 * server's endpoints and the app's URL, so the CLI, the executor process and step processes reach the
 * same embedded platform while it runs. The environment always wins over it (production, CI).
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

export function runtimeFilePath(): string {
  return join(config().dataDir, 'runtime.json');
}

// read again only when the file changed (getDb() asks on every call)
let cached: { path: string; stamp: string; value: TRuntimeFile } | null = null;

export function readRuntimeFile(): TRuntimeFile | null {
  const path = runtimeFilePath();
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    return null;
  }
  if (cached?.path === path && cached.stamp === stamp) return cached.value;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new AppError('invalid_input', `${path}: not JSON (written by \`segflow start\`; delete it if no platform is running)`);
  }
  const parsed = ZRuntimeFile.safeParse(raw);
  if (!parsed.success) throw new AppError('invalid_input', `${path}: ${parsed.error.issues[0].path.join('.') || '(root)'}: ${parsed.error.issues[0].message}`);
  cached = { path, stamp, value: parsed.data };
  return parsed.data;
}

/** DATABASE_URL, else the running embedded database's */
export function databaseUrl(): string | null {
  return config().database.url ?? readRuntimeFile()?.databaseUrl ?? null;
}

/** where migrations run: SEGFLOW_MIGRATE_DATABASE_URL (the schema owner), else the app's database */
export function migrationUrl(): string | null {
  return config().database.migrateUrl ?? databaseUrl();
}

/** S3_* settings, else the running embedded S3 server's */
export function s3Settings(): S3Settings | null {
  const fromEnv = config().s3;
  if (fromEnv) return fromEnv;
  const rt = readRuntimeFile()?.s3;
  return rt ? { ...rt, forcePathStyle: true, versioned: true } : null;
}

/** SEGFLOW_URL, else the running embedded app's, else the default port */
export function appUrl(): string {
  return config().api.url ?? readRuntimeFile()?.appUrl ?? `http://localhost:${config().ports.app}`;
}
