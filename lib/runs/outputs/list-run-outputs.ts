import { and, eq } from 'drizzle-orm';
import { runs, runSteps } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import type { Role } from '@/lib/auth/permissions';
import type { DbOrTx } from '@/lib/db';
import { AppError } from '@/lib/errors';
import { SHADOW_INFER_TASK } from '@/lib/pipeline/definition';
import { stepOutput } from '@/lib/pipeline/steps';
import { assertKeyAccess } from '@/lib/storage/assert-key-access';
import { manifestObject } from '@/lib/runs/read-run-manifest';
import { presignGet } from '@/lib/storage/presign-get';

/** how long a download link lives: long enough to fetch a mask, short enough to be useless when leaked */
export const DOWNLOAD_LINK_SECONDS = 300;

export interface RunOutputDto {
  /** the file name a download writes: mask.nii.gz, seg.dcm, volumes.json, manifest.json, comparison.json, difference.nii.gz, disagreement.json */
  file: string;
  what: string;
  key: string;
  size: number;
  /** the SHA-256 recorded for it (the manifest records the same for step outputs) */
  sha256: string;
  url: string;
  expiresAt: string;
}

/**
 * The results of a run to take out, each with a presigned GET link (≤ 5 min), checked against the
 * bucket's access rules for the caller's role: the serving model's mask (NIfTI), DICOM SEG (DICOM
 * input), label volumes, the signed manifest (roles that may read manifests/), and the shadow-vs-
 * serving comparison with its difference labelmap and disagreement profile (operators and admins). Never a shadow output for researchers (ADR-03). Each
 * key handed out goes into `audit`.
 */
export async function listRunOutputs(
  db: DbOrTx,
  p: { runId: string; projectId: string; role: Role | null; seeShadow: boolean; audit: { key: string }[] },
): Promise<RunOutputDto[]> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)));
  if (!run) throw new AppError('not_found', `run ${p.runId} not found`);
  const steps = new Map((await db.select().from(runSteps).where(eq(runSteps.runId, run.id))).map((s) => [s.name, parseStepOutputs(s)]));
  const wanted: { file: string; what: string; ref: { key: string; versionId: string | null; size: number; sha256: string } | undefined }[] = [];
  const serving = steps.get('infer-serving');
  wanted.push({ file: 'mask.nii.gz', what: 'mask of the serving model (NIfTI)', ref: stepOutput(serving, 'infer', 'mask') });
  wanted.push({ file: 'seg.dcm', what: 'DICOM SEG of the serving model', ref: stepOutput(serving, 'infer', 'seg') });
  wanted.push({ file: 'volumes.json', what: 'volume per label (ml)', ref: stepOutput(serving, 'infer', 'volumes') });
  if (p.seeShadow) {
    wanted.push({ file: 'shadow-mask.nii.gz', what: 'mask of the shadow model (NIfTI)', ref: stepOutput(steps.get(SHADOW_INFER_TASK), 'infer', 'mask') });
    wanted.push({ file: 'comparison.json', what: 'shadow vs serving, per label', ref: stepOutput(steps.get('compare'), 'compare', 'metrics') });
    wanted.push({
      file: 'difference.nii.gz',
      what: 'shadow vs serving per voxel (1 agree, 2 serving only, 3 shadow only, 4 label differs)',
      ref: stepOutput(steps.get('compare'), 'compare', 'diff'),
    });
    wanted.push({ file: 'disagreement.json', what: 'differing voxels per slice, per label', ref: stepOutput(steps.get('compare'), 'compare', 'profile') });
  }
  if (run.manifestKey && run.manifestSha256) {
    const written = await manifestObject(db, run.manifestKey);
    // its sha256 is that of the signed content (what `segflow manifest verify` checks), not of the file's bytes
    if (written)
      wanted.push({
        file: 'manifest.json',
        what: 'signed run manifest',
        ref: { key: run.manifestKey, versionId: written.versionId, size: written.size, sha256: run.manifestSha256 },
      });
  }
  const out: RunOutputDto[] = [];
  for (const w of wanted) {
    if (!w.ref) continue;
    try {
      assertKeyAccess({ role: p.role, projectId: p.projectId, action: 'get', key: w.ref.key });
    } catch {
      continue; // this role may not read it (a researcher and manifests/): not listed
    }
    const { url, expiresAt } = await presignGet({ key: w.ref.key, versionId: w.ref.versionId, expiresInSeconds: DOWNLOAD_LINK_SECONDS });
    p.audit.push({ key: w.ref.key });
    out.push({ file: w.file, what: w.what, key: w.ref.key, size: w.ref.size, sha256: w.ref.sha256, url, expiresAt });
  }
  return out;
}
