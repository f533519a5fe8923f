import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { configuredBucket, type BucketRef } from './put-object-once';

/** Every key under a prefix, in the bucket's (lexicographic) order, after `startAfter` when given. */
export async function listKeys(p: { prefix: string; startAfter?: string; bucket?: BucketRef }): Promise<string[]> {
  const { client, bucket } = p.bucket ?? configuredBucket();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: p.prefix, StartAfter: token ? undefined : p.startAfter, ContinuationToken: token }),
    );
    for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
