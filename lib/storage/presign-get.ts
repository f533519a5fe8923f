import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { getStorage } from './s3-client';

/** A short-lived GET URL for one object version (≤ 15 minutes); callers audit the access. */
export async function presignGet(p: { key: string; versionId?: string | null; expiresInSeconds?: number }): Promise<{ url: string; expiresAt: string }> {
  const { client, settings } = getStorage();
  const ttl = Math.min(p.expiresInSeconds ?? 300, 900);
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: settings.bucket, Key: p.key, VersionId: p.versionId ?? undefined }), {
    expiresIn: ttl,
  });
  return { url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
}
