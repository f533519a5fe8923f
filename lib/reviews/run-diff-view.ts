import { can, type Role } from '../auth/permissions';
import type { DbOrTx } from '../db';
import type { PresignedRecord } from '../viewer/presign-image';
import { getRunImages } from '../viewer/get-run-images';
import type { RunImagesDto } from '../viewer/schemas';
import { getDiffLayer } from './diff-view';
import type { DiffLayerDto } from './diff-types';

/**
 * Diff mode on the run page: the volume, both masks and the difference layer of a compared run,
 * for roles that may see shadow results (promotion:read: operators, admins; ADR-03: researchers
 * never do). Null for other roles, and for runs without a difference labelmap.
 */
export async function getRunDiffView(
  db: DbOrTx,
  p: { runId: string; projectId: string; role: Role | null; audit: PresignedRecord[] },
): Promise<{ images: RunImagesDto; diff: DiffLayerDto } | null> {
  if (!can(p.role, 'promotion:read')) return null;
  const diff = await getDiffLayer(db, p);
  if (!diff) return null;
  const images = await getRunImages(db, { ...p, seeShadow: true });
  if (!images.masks.some((m) => m.id === 'shadow')) return null;
  return { images, diff };
}
