import type { Role } from '../auth/permissions';
import { assertKeyAccess } from '../storage/assert-key-access';
import { presignGet } from '../storage/presign-get';
import type { ImageObjectRef, MaskObject } from './run-image-objects';
import type { ViewerImageLink, ViewerMask } from './schemas';

/** How long a viewer link lives: long enough to load a volume, short enough to be useless when leaked. */
export const VIEWER_LINK_SECONDS = 300;

/** What an audit event records of each link it handed out. */
export interface PresignedRecord {
  key: string;
  versionId: string | null;
}

/**
 * A GET link for one image object. The bucket's access rules for the caller's role are checked
 * first (a reviewer can never be handed a raw-phi/ key, whatever a row says), and the key is added
 * to `audit` so the request's audit event names every object it exposed.
 */
export async function presignImage(p: { role: Role | null; projectId: string; ref: ImageObjectRef; audit: PresignedRecord[] }): Promise<ViewerImageLink> {
  assertKeyAccess({ role: p.role, projectId: p.projectId, action: 'get', key: p.ref.key });
  const { url, expiresAt } = await presignGet({ key: p.ref.key, versionId: p.ref.versionId, expiresInSeconds: VIEWER_LINK_SECONDS });
  p.audit.push({ key: p.ref.key, versionId: p.ref.versionId });
  return { url, expiresAt, sha256: p.ref.sha256, size: p.ref.size };
}

/** A mask as the viewer gets it: what it is (role, model, version, labels) and a link to its object. */
export async function presignMask(p: { role: Role | null; projectId: string; mask: MaskObject; audit: PresignedRecord[] }): Promise<ViewerMask> {
  const { id, role, model, version, labels, ref } = p.mask;
  return { id, role, model, version, labels, ...(await presignImage({ role: p.role, projectId: p.projectId, ref, audit: p.audit })) };
}
