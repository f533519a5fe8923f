import { randomUUID } from 'node:crypto';
import { storedObjects } from '@/db/schema';
import type { Tx } from '../db';
import { AppError } from '../errors';
import { derivedKey } from '../storage/keys';
import { putObject } from '../storage/objects';
import { element, type DicomJsonDataset } from './dicom-json';
import { indexDicomInstances } from './index-instances';
import { instanceUrl } from './instance-metadata';
import { parseMultipart } from './multipart';
import { checkStowInstance } from './stow-checks';

/** the largest STOW-RS request body segflow reads (a SEG of a 1,000-slice CT is tens of MB) */
export const MAX_STOW_BYTES = 512 * 1024 * 1024;

export interface StowResult {
  /** 200 all stored, 202 some, 409 none (PS3.18 10.5.3) */
  status: 200 | 202 | 409;
  body: DicomJsonDataset;
  stored: string[];
  failed: { sopInstanceUid?: string; reason: string }[];
}

/**
 * STOW-RS: each part checked (lib/dicomweb/stow-checks.ts), the accepted ones written under
 * derived/<project>/<study>/dicomweb/, recorded as stored objects and in the DICOMweb index, so that
 * they are served with the study. The answer lists what was stored and, with the reason, what not.
 */
export async function storeInstances(
  tx: Tx,
  p: { projectId: string; userId: string; pathStudy?: string; contentType: string | null; body: Uint8Array; baseUrl: string },
): Promise<StowResult> {
  if (p.body.byteLength > MAX_STOW_BYTES) throw new AppError('too_large', `body: ${p.body.byteLength} bytes, at most ${MAX_STOW_BYTES} per STOW-RS request`);
  const parts = parseMultipart(p.contentType, p.body);
  if (!parts.length) throw new AppError('invalid_input', 'body: the multipart/related request has no parts');
  const ok: DicomJsonDataset[] = [];
  const bad: DicomJsonDataset[] = [];
  const result: StowResult = { status: 200, body: {}, stored: [], failed: [] };
  for (const [i, part] of parts.entries()) {
    const check = await checkStowInstance(tx, {
      projectId: p.projectId,
      pathStudy: p.pathStudy,
      contentType: part.headers['content-type'] ?? '',
      bytes: part.body,
      n: i + 1,
    });
    if (!check.ok) {
      bad.push({
        '00081150': element('UI', check.sopClassUid),
        '00081155': element('UI', check.sopInstanceUid),
        '00081197': element('US', check.code),
        // ErrorComment: the reason in words, beside the status code
        '00000902': element('LO', check.reason.slice(0, 1024)),
      });
      result.failed.push({ sopInstanceUid: check.sopInstanceUid, reason: check.reason });
      continue;
    }
    const f = check.facts;
    const key = derivedKey({ projectId: p.projectId, studyId: check.studyId, path: ['dicomweb', `${randomUUID()}.dcm`] });
    const put = await putObject({ key, body: part.body, contentType: 'application/dicom' });
    await tx.insert(storedObjects).values({
      projectId: p.projectId,
      studyId: check.studyId,
      key: put.key,
      versionId: put.versionId,
      size: put.size,
      sha256: put.sha256,
      class: 'derived',
      contentType: 'application/dicom',
    });
    await indexDicomInstances(tx, {
      projectId: p.projectId,
      studyId: check.studyId,
      runId: null,
      source: 'stored',
      storedBy: p.userId,
      items: [{ object: put, facts: f }],
    });
    ok.push({ '00081150': element('UI', f.sopClassUid), '00081155': element('UI', f.sopInstanceUid), '00081190': element('UR', instanceUrl(p.baseUrl, f)) });
    result.stored.push(f.sopInstanceUid);
  }
  result.status = bad.length === 0 ? 200 : ok.length ? 202 : 409;
  if (p.pathStudy) result.body['00081190'] = element('UR', `${p.baseUrl}/studies/${p.pathStudy}`);
  if (ok.length) result.body['00081199'] = { vr: 'SQ', Value: ok };
  if (bad.length) result.body['00081198'] = { vr: 'SQ', Value: bad };
  return result;
}
