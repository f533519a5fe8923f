import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { and, eq, lt } from 'drizzle-orm';
import { modelRegistrations } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';
import { getStorage } from '@/lib/storage/s3-client';
import { deleteStagedObject } from './read-staged-file';

/**
 * Closes registrations staged and never completed before they expired: each is claimed by its status
 * update (safe from several processes), recorded as refused ("expired"), and every version of its
 * staged objects is deleted. deploy/s3/bucket-lifecycle.json expires models/_staging/ as a backstop.
 */
export async function sweepStagedRegistrations(db: DbOrTx, opts: { now?: Date } = {}): Promise<number> {
  const now = opts.now ?? new Date();
  const stale = await db
    .select({ id: modelRegistrations.id })
    .from(modelRegistrations)
    .where(and(eq(modelRegistrations.status, 'staged'), lt(modelRegistrations.expiresAt, now)));
  const { client, settings } = getStorage();
  let swept = 0;
  for (const { id } of stale) {
    const [claimed] = await db
      .update(modelRegistrations)
      .set({
        status: 'refused',
        result: { reasons: [{ file: null, field: null, message: 'expired before it was completed; register again' }], parity: null },
        completedAt: now,
      })
      .where(and(eq(modelRegistrations.id, id), eq(modelRegistrations.status, 'staged')))
      .returning({ id: modelRegistrations.id });
    if (!claimed) continue;
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: settings.bucket, Prefix: `models/_staging/${id}/` }));
    for (const v of [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])]) {
      if (v.Key) await deleteStagedObject({ key: v.Key, versionId: v.VersionId });
    }
    swept++;
  }
  return swept;
}
