/**
 * De-identifies one DICOM instance with the PS3.15 Annex E Basic Application Level Confidentiality
 * Profile plus the project's options. Only the header is rewritten: pixel data (native or
 * encapsulated) is copied byte for byte and never decoded, so this is as fast as a copy of the file
 * plus a header walk. Output keeps the input's transfer syntax (deflated input is re-deflated); raw
 * datasets without file meta gain a Part 10 preamble and file meta.
 */
import { AppError } from '@/lib/errors';
import { identifyingTokensOf } from './clean-text';
import type { DeidOption } from './deid-table.generated';
import { METHOD_TAGS, deidMethodNodes } from './deid-method-codes';
import { rewriteElements, type SafePrivateElement } from './deidentify-elements';
import { burnedInTextRisk } from './detect-burned-in';
import { stringValue } from './element-values';
import { subjectPseudonym } from './subject-pseudonym';
import { guardParse } from './guard-parse';
import type { DicomLimits } from './parse-dataset';
import { parseDicomFile } from './parse-dicom-file';
import { headerFromParsed } from './read-dicom-header';
import { UidReplacer } from './replace-uid';
import { dateShiftDays } from './shift-date';
import { dicomFileParts, textNode, type OutNode } from './write-dicom-file';

export interface DeidentifyOptions {
  /** project secret: keys UID replacement, default pseudonyms and date shifts */
  secret: string | Uint8Array;
  /** project-stable pseudonym for a patient, written as PatientName and PatientID (default: the project's subjectPseudonym) */
  pseudonymFor?: (originalPatientId: string) => string;
  retainLongitudinalModifiedDates?: boolean;
  retainPatientCharacteristics?: boolean;
  retainDeviceIdentity?: boolean;
  /** private elements to keep (Retain Safe Private Option); all other private elements are removed */
  retainSafePrivate?: readonly SafePrivateElement[];
  cleanDescriptors?: boolean;
  /** write images that are likely to carry burned-in text instead of quarantining them */
  allowBurnedIn?: boolean;
  limits?: Partial<DicomLimits>;
}

export type DeidentifyResult =
  | { status: 'written'; bytes: Uint8Array; sopInstanceUid: string; uidMap: Record<string, string> }
  | { status: 'quarantined'; reason: string };

/** The same, with the written file as its pieces in order (views into the input where unchanged). */
export type DeidentifiedParts =
  | { status: 'written'; parts: Uint8Array[]; sopInstanceUid: string; uidMap: Record<string, string> }
  | { status: 'quarantined'; reason: string };

function enabledOptions(o: DeidentifyOptions): DeidOption[] {
  const enabled: DeidOption[] = [];
  if (o.retainLongitudinalModifiedDates) enabled.push('retainLongitudinalModifiedDates');
  if (o.retainPatientCharacteristics) enabled.push('retainPatientCharacteristics');
  if (o.retainDeviceIdentity) enabled.push('retainDeviceIdentity');
  if (o.cleanDescriptors) enabled.push('cleanDescriptors');
  return enabled;
}

const PATIENT_NAME = 0x00100010;
const PATIENT_ID = 0x00100020;

export function deidentifyInstance(bytes: Uint8Array, fileName: string, options: DeidentifyOptions): DeidentifyResult {
  const result = deidentifyInstanceParts(bytes, fileName, options);
  if (result.status !== 'written') return result;
  return { status: 'written', bytes: Buffer.concat(result.parts), sopInstanceUid: result.sopInstanceUid, uidMap: result.uidMap };
}

/**
 * deidentifyInstance without joining the output: for a caller that writes the pieces straight to a
 * file (writev). They may be views into `bytes`: write them before reusing that buffer.
 */
export function deidentifyInstanceParts(bytes: Uint8Array, fileName: string, options: DeidentifyOptions): DeidentifiedParts {
  return guardParse(fileName, () => deidentify(bytes, fileName, options));
}

function deidentify(bytes: Uint8Array, fileName: string, options: DeidentifyOptions): DeidentifiedParts {
  const parsed = parseDicomFile(bytes, fileName, { limits: options.limits });
  const header = headerFromParsed(parsed, { requireUids: false });
  if (!options.allowBurnedIn) {
    const risk = burnedInTextRisk(header);
    if (risk) return { status: 'quarantined', reason: `${fileName}: ${risk}` };
  }

  const { body, elements, transferSyntax: ts } = parsed;
  const patientKey = stringValue(body, elements, PATIENT_ID) ?? '';
  const pseudonym = (options.pseudonymFor ?? ((id: string) => subjectPseudonym(options.secret, id)))(patientKey);
  if (!/^[\x20-\x5b\x5d-\x7e]{1,64}$/.test(pseudonym)) {
    throw new AppError('invalid_input', `pseudonym for ${fileName} must be 1-64 printable ASCII characters without backslash`);
  }
  const uids = new UidReplacer(options.secret);
  const safePrivate = options.retainSafePrivate ?? [];
  let tokens: string[] | undefined;
  const ctx = {
    buf: body,
    options: enabledOptions(options),
    uids,
    safePrivate,
    dateShiftDays: options.retainLongitudinalModifiedDates ? dateShiftDays(options.secret, patientKey) : undefined,
    identifyingTokens: () => (tokens ??= identifyingTokensOf(body, elements, [pseudonym === patientKey ? undefined : patientKey])),
  };

  const topLevel = elements.filter((el) => !METHOD_TAGS.has(el.tag) && el.tag !== PATIENT_NAME && el.tag !== PATIENT_ID);
  const nodes: OutNode[] = [
    ...rewriteElements(ctx, topLevel, ts),
    textNode(PATIENT_NAME, 'PN', pseudonym),
    textNode(PATIENT_ID, 'LO', pseudonym),
    ...deidMethodNodes({ ...options, retainSafePrivate: safePrivate.length > 0 }, ts),
  ];
  nodes.sort((a, b) => a.tag - b.tag);

  const sopInstanceUid = uids.replace(header.sopInstanceUid);
  const meta: OutNode[] = [
    { kind: 'value', tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    // a fragment without SOP class/instance (test data, broken exports) gets no media storage UIDs
    ...(header.sopClassUid ? [textNode(0x00020002, 'UI', header.sopClassUid)] : []),
    ...(sopInstanceUid ? [textNode(0x00020003, 'UI', sopInstanceUid)] : []),
    textNode(0x00020010, 'UI', ts.uid),
    textNode(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID),
    textNode(0x00020013, 'SH', 'SEGFLOW_0_1'),
  ];
  return {
    status: 'written',
    parts: dicomFileParts(meta, nodes, ts),
    sopInstanceUid,
    uidMap: Object.fromEntries(uids.map),
  };
}

// identifies this writer: 2.25 + first 128 bits of SHA-256("segflow implementation class")
const IMPLEMENTATION_CLASS_UID = '2.25.110127269017906194745917532960472801445';
