import { createHash } from 'node:crypto';
import type { Role } from '../auth/permissions';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { ZDisagreementProfile } from '../metrics/mask-difference';
import { assertKeyAccess } from '../storage/assert-key-access';
import { getObjectBytes } from '../storage/objects';
import { presignImage, type PresignedRecord } from '../viewer/presign-image';
import { findDiffObjects } from './diff-objects';
import type { DiffLayerDto } from './diff-types';

/**
 * Diff mode's data for one run of `projectId`, for callers that may see shadow results (reviewers
 * of the case, operators, admins): the difference labelmap as a presigned link (through the bucket's
 * access rules for the caller's role, recorded in `audit`) and the stored disagreement profile, read
 * here through the same rules and checked against the hash the run recorded. Null when the run has
 * no difference labelmap.
 */
export async function getDiffLayer(
  db: DbOrTx,
  p: { runId: string; projectId: string; role: Role | null; audit: PresignedRecord[] },
): Promise<DiffLayerDto | null> {
  const found = await findDiffObjects(db, { runId: p.runId, projectId: p.projectId });
  if (!found) return null;
  assertKeyAccess({ role: p.role, projectId: p.projectId, action: 'get', key: found.profile.key });
  const bytes = await getObjectBytes({ key: found.profile.key, versionId: found.profile.versionId });
  if (createHash('sha256').update(bytes).digest('hex') !== found.profile.sha256)
    throw new AppError('checksum_mismatch', `the disagreement profile of run ${p.runId} (${found.profile.key}) is not the one the run recorded`);
  const profile = ZDisagreementProfile.parse(JSON.parse(new TextDecoder().decode(bytes)));
  const diff = await presignImage({ role: p.role, projectId: p.projectId, ref: found.diff, audit: p.audit });
  return { diff, profile };
}
