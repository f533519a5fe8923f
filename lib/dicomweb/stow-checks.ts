import dcmjs, { type DcmjsElement } from 'dcmjs';
import { and, eq, inArray } from 'drizzle-orm';
import { dicomInstances } from '@/db/schema';
import type { DbOrTx } from '../db';
import { isAppError } from '../errors';
import { dicomIndexFacts, type TDicomIndexFacts } from './index-facts';

export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const SR_SOP_CLASS = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.88\.\d+$/;

/** STOW-RS failure reasons (PS3.4 Annex B status codes, as PS3.18 10.5.3 uses them) */
export const FAILURE = { notAuthorized: 0x0124, sopClassNotSupported: 0x0122, doesNotMatch: 0xa900, cannotUnderstand: 0xc000, duplicate: 0x0111 } as const;

export type StowCheck =
  | { ok: true; facts: TDicomIndexFacts; studyId: string }
  | { ok: false; sopClassUid?: string; sopInstanceUid?: string; code: number; reason: string };

/** every ReferencedSOPInstanceUID (0008,1155) anywhere in the dataset */
function referencedInstances(ds: Record<string, DcmjsElement>, out = new Set<string>()): Set<string> {
  for (const [tag, el] of Object.entries(ds)) {
    if (tag.toUpperCase() === '00081155') for (const v of el.Value ?? []) out.add(String(v));
    if (el.vr === 'SQ') for (const item of (el.Value ?? []) as Record<string, DcmjsElement>[]) referencedInstances(item, out);
  }
  return out;
}

/**
 * Whether one STOW-RS part may be stored into the project: a DICOM SEG or SR (a derived object),
 * of a study the project serves, whose every referenced instance is one of the project's
 * de-identified instances of that study, carrying the study's pseudonym as PatientID. A failure
 * names the reason in the user's words (it goes into the response's FailedSOPSequence).
 */
export async function checkStowInstance(
  db: DbOrTx,
  p: { projectId: string; pathStudy?: string; contentType: string; bytes: Uint8Array; n: number },
): Promise<StowCheck> {
  const what = `part ${p.n}`;
  if (!/^application\/dicom(\s*;|$)/i.test(p.contentType))
    return { ok: false, code: FAILURE.cannotUnderstand, reason: `${what}: Content-Type is "${p.contentType || 'missing'}", expected application/dicom` };
  let facts: TDicomIndexFacts;
  let ds: Record<string, DcmjsElement>;
  try {
    facts = dicomIndexFacts(p.bytes, what);
    ds = dcmjs.data.DicomMessage.readFile(p.bytes.slice().buffer as ArrayBuffer).dict;
  } catch (err) {
    return { ok: false, code: FAILURE.cannotUnderstand, reason: isAppError(err) ? err.message : `${what}: not a readable DICOM Part 10 file` };
  }
  const id = { sopClassUid: facts.sopClassUid, sopInstanceUid: facts.sopInstanceUid };
  const fail = (code: number, reason: string): StowCheck => ({ ok: false, ...id, code, reason: `${what} (${facts.sopInstanceUid}): ${reason}` });
  if (facts.sopClassUid !== SEG_SOP_CLASS && !SR_SOP_CLASS.test(facts.sopClassUid)) {
    return fail(FAILURE.sopClassNotSupported, `SOP Class ${facts.sopClassUid} is not a Segmentation or Structured Report; only derived objects can be stored`);
  }
  if (p.pathStudy && facts.studyInstanceUid !== p.pathStudy)
    return fail(FAILURE.doesNotMatch, `StudyInstanceUID ${facts.studyInstanceUid} is not the study of the request path (${p.pathStudy})`);
  const refs = [...referencedInstances(ds)];
  if (!refs.length)
    return fail(
      FAILURE.doesNotMatch,
      'references no instance (ReferencedSOPInstanceUID); a derived object must reference the de-identified series it was made from',
    );
  const d = dicomInstances;
  const known = await db
    .select({ sop: d.sopInstanceUid, study: d.studyInstanceUid, studyId: d.studyId, patientId: d.patientId })
    .from(d)
    .where(and(eq(d.projectId, p.projectId), eq(d.source, 'deidentified'), inArray(d.sopInstanceUid, refs)));
  const found = new Map(known.map((k) => [k.sop, k]));
  const unknown = refs.filter((r) => !found.has(r));
  if (unknown.length) {
    return fail(FAILURE.doesNotMatch, `references ${unknown.length} instance(s) that are not de-identified instances of this project (first: ${unknown[0]})`);
  }
  const other = known.find((k) => k.study !== facts.studyInstanceUid);
  if (other) return fail(FAILURE.doesNotMatch, `references instance ${other.sop} of study ${other.study}, not of its own study ${facts.studyInstanceUid}`);
  if (facts.patientId !== known[0].patientId) {
    return fail(
      FAILURE.doesNotMatch,
      `PatientID is "${facts.patientId ?? ''}", not the study's pseudonym ${known[0].patientId}: only de-identified objects can be stored`,
    );
  }
  const [existing] = await db
    .select({ source: d.source })
    .from(d)
    .where(and(eq(d.projectId, p.projectId), eq(d.sopInstanceUid, facts.sopInstanceUid)));
  if (existing) return fail(FAILURE.duplicate, `an instance with this SOP Instance UID is already stored in the project (${existing.source})`);
  return { ok: true, facts, studyId: known[0].studyId };
}
