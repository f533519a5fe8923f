import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditEvents, series, storedObjects, studies, uploadFiles, uploads } from '@/db/schema';
import type { Db } from '../db';
import type { SeedAudit } from './seed-demo-content';
import { headObject, putObject } from '../storage/objects';
import { stateVolumeFacts } from '../studies/state-volume-facts';
import { completeUploadFile } from '../uploads/complete-upload-file';
import { createUpload } from '../uploads/create-upload';
import { finishUpload } from '../uploads/finish-upload';
import { registerUploadFile } from '../uploads/register-upload-file';

/** The demo study: the brain model's own input (t1_crop.nii.gz, 256³ T1), ingested like an upload. */
export const DEMO_STUDY_FILE = join('fixtures', 'nifti', 'brainchop-t1', 't1_crop.nii.gz');
/** what is stated of it (Study → Modality · body part) */
export const DEMO_STUDY_FACTS = { modality: 'MR', bodyPart: 'HEAD' } as const;

/**
 * The demo volume of an older install, seeded before its facts were stated, gets them now, once: the
 * seeded volume only (the project's earliest with the demo file's bytes, not a researcher's copy of
 * it), only while it has neither a modality nor a body part, and only if no facts were ever stated
 * of it (a researcher who cleared them meant it).
 */
async function stateMissingFacts(db: Db, p: { projectId: string; audit?: SeedAudit }, seriesIds: string[]): Promise<void> {
  if (seriesIds.length === 0) return;
  const [seeded] = await db.select({ id: series.id }).from(series).where(inArray(series.id, seriesIds)).orderBy(asc(series.createdAt)).limit(1);
  if (!seeded) return;
  const [stated] = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'series.facts.state'), eq(auditEvents.targetType, 'series'), eq(auditEvents.targetId, seeded.id)))
    .limit(1);
  if (stated) return;
  await db.transaction(async (tx) => {
    const [volume] = await tx
      .select({ id: series.id, studyId: series.studyId })
      .from(series)
      .where(and(eq(series.id, seeded.id), eq(series.kind, 'nifti'), isNull(series.modality), isNull(series.bodyPart)))
      .for('update');
    if (!volume) return;
    await stateVolumeFacts(tx, { projectId: p.projectId, seriesId: volume.id, ...DEMO_STUDY_FACTS });
    await p.audit?.append(tx, {
      action: 'series.facts.state',
      targetType: 'series',
      targetId: volume.id,
      details: { study: volume.studyId, ...DEMO_STUDY_FACTS },
    });
  });
}

/**
 * Puts the demo T1 volume into the demo project through the same ingest path as a browser upload
 * (declared size and SHA-256, server-made key, completion checks, header indexing). Only when the
 * project has no study yet, so a second start changes nothing — except that a demo object the store
 * lost (a database kept, a bucket replaced) is put back at its recorded key when its bytes are the
 * demo file's (same SHA-256). `audit` records the ingest in its transaction (lib/platform/seed-demo-content.ts).
 */
export async function seedDemoStudy(db: Db, p: { projectId: string; researcherId: string; root?: string; audit?: SeedAudit }): Promise<void> {
  const bytes = readFileSync(join(p.root ?? process.cwd(), DEMO_STUDY_FILE));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const [existing] = await db.select({ id: studies.id }).from(studies).where(eq(studies.projectId, p.projectId)).limit(1);
  if (existing) {
    const recorded = await db
      .select({ key: storedObjects.key, seriesId: storedObjects.seriesId })
      .from(storedObjects)
      .where(and(eq(storedObjects.projectId, p.projectId), eq(storedObjects.class, 'phi'), eq(storedObjects.sha256, sha256)));
    for (const o of recorded) if (!(await headObject(o.key))) await putObject({ key: o.key, body: bytes, contentType: 'application/octet-stream' });
    await stateMissingFacts(
      db,
      p,
      recorded.map((o) => o.seriesId).filter((id): id is string => id !== null),
    );
    return;
  }
  await db.transaction(async (tx) => {
    const { uploadId } = await createUpload(tx, { projectId: p.projectId, userId: p.researcherId });
    const dto = await registerUploadFile(tx, { projectId: p.projectId, uploadId, name: 't1_crop.nii.gz', size: bytes.length, sha256 });
    const [file] = await tx.select().from(uploadFiles).where(eq(uploadFiles.id, dto.id));
    const [upload] = await tx.select().from(uploads).where(eq(uploads.id, uploadId));
    await putObject({ key: file.key, body: bytes, contentType: 'application/octet-stream' });
    const done = await completeUploadFile(tx, { upload, file });
    if (done.status !== 'verified') throw new Error(`demo study: ${done.error ?? done.status}`);
    await finishUpload(tx, { upload });
    // a NIfTI carries no modality or body part: stated as a researcher would, so the demo run's
    // input-domain check has something to check (the brain model expects MR of the head)
    const [volume] = await tx.select({ id: series.id, studyId: series.studyId }).from(series).where(eq(series.projectId, p.projectId));
    if (!volume) throw new Error('demo study: the volume was not indexed');
    await stateVolumeFacts(tx, { projectId: p.projectId, seriesId: volume.id, ...DEMO_STUDY_FACTS });
    await p.audit?.append(tx, {
      action: 'upload.complete',
      targetType: 'upload',
      targetId: uploadId,
      details: { study: volume.studyId, file: 't1_crop.nii.gz', ...DEMO_STUDY_FACTS },
    });
  });
}
