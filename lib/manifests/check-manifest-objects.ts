import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { configuredBucket, type BucketRef } from '../storage/put-object-once';
import type { TRunManifest } from './manifest-schema';

export type TObjectsCheck = { ok: true; objects: number } | { ok: false; problem: string };

/**
 * Re-reads every object a manifest names (inputs and step outputs) from the store — the recorded
 * version when there is one, so an object replaced after the run is still checked as it was — and
 * compares size and SHA-256 (streamed, never held in memory). Names the first object that differs.
 */
export async function checkManifestObjects(m: TRunManifest, opts: { bucket?: BucketRef } = {}): Promise<TObjectsCheck> {
  const { client, bucket } = opts.bucket ?? configuredBucket();
  const refs = [...m.inputs, ...m.steps.flatMap((s) => s.outputs)];
  for (const ref of refs) {
    const at = ref.versionId ? `${ref.key} (version ${ref.versionId})` : ref.key;
    let body: Readable;
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: ref.key, VersionId: ref.versionId ?? undefined }));
      body = res.Body as Readable;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      return {
        ok: false,
        problem: `${at}: ${status === 404 ? 'missing from the store' : `cannot be read (${err instanceof Error ? err.name : String(err)})`}`,
      };
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
    }
    const sha256 = hash.digest('hex');
    if (size !== ref.size) return { ok: false, problem: `${at}: size ${size} bytes in the store, the manifest records ${ref.size}` };
    if (sha256 !== ref.sha256) return { ok: false, problem: `${at}: sha256 ${sha256} in the store, the manifest records ${ref.sha256}` };
  }
  return { ok: true, objects: refs.length };
}
