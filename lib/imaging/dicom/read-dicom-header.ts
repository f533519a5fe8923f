/**
 * The ingest view of a DICOM instance: what grouping, geometry and de-identification need, read
 * without touching pixel data (the walk stops at (7FE0,0010)). PHI is kept apart in `identity` so
 * callers cannot log or store it by accident alongside the rest.
 */
import { AppError } from '@/lib/errors';
import { cleanText, identifyingTokensOf } from './clean-text';
import { guardParse } from './guard-parse';
import { decimalValues, intValue, stringValue, uint16Value } from './element-values';
import type { DicomElement } from './parse-dataset';
import { parseDicomFile, type ParseOptions, type ParsedDicom } from './parse-dicom-file';

export interface DicomIdentity {
  patientName?: string;
  patientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  accessionNumber?: string;
  studyDate?: string;
  institutionName?: string;
}

export interface DicomHeader {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  modality?: string;
  /** BodyPartExamined (0018,0015), e.g. HEAD, BRAIN, CHEST: kept by de-identification, read by a model's input domain */
  bodyPartExamined?: string;
  /** the raw SeriesDescription: PHI under the basic profile (Table E.1-1: X), never shown as it is */
  seriesDescription?: string;
  /** SeriesDescription as the Clean Descriptors option writes it (identifying values cut out); readDicomHeader only */
  cleanedSeriesDescription?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  rows?: number;
  columns?: number;
  /** [row spacing, column spacing] in mm */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  /** SpacingBetweenSlices (0018,0088), centre to centre in mm: what slice spacing falls back to without positions */
  spacingBetweenSlices?: number;
  imagePositionPatient?: [number, number, number];
  imageOrientationPatient?: [number, number, number, number, number, number];
  numberOfFrames: number;
  transferSyntaxUid: string;
  burnedInAnnotation?: string;
  identity: DicomIdentity;
}

export function readDicomHeader(bytes: Uint8Array, fileName: string, options: Omit<ParseOptions, 'stopAtPixelData'> = {}): DicomHeader {
  return guardParse(fileName, () => {
    const parsed = parseDicomFile(bytes, fileName, { ...options, stopAtPixelData: true });
    const header = headerFromParsed(parsed);
    if (header.seriesDescription)
      header.cleanedSeriesDescription = cleanText(header.seriesDescription, identifyingTokensOf(parsed.body, parsed.elements)) || undefined;
    return header;
  });
}

function fixed<N extends number>(values: number[] | undefined, n: N, name: string, fileName: string): number[] | undefined {
  if (values === undefined) return undefined;
  if (values.length !== n) {
    throw new AppError('malformed_file', `${fileName}: ${name} has ${values.length} values, expected ${n}`, { file: fileName });
  }
  return values;
}

function decodeText(raw: string | undefined, utf8: boolean): string | undefined {
  if (raw === undefined || !utf8) return raw;
  return Buffer.from(raw, 'latin1').toString('utf8');
}

/**
 * Header fields of an already-walked dataset (the de-identifier reuses this). With
 * `requireUids: false` missing UIDs read as '' (the de-identifier can still clean a fragment that
 * has no study, while ingest needs all four UIDs to group instances).
 */
export function headerFromParsed(p: ParsedDicom, { requireUids = true }: { requireUids?: boolean } = {}): DicomHeader {
  const { body: b, elements: e, fileName: f } = p;
  const le = p.transferSyntax.littleEndian;
  const s = (tag: number): string | undefined => stringValue(b, e, tag);
  const required = (tag: number, name: string): string => {
    const v = s(tag);
    if (!v && !requireUids) return '';
    if (!v) throw new AppError('malformed_file', `${f}: missing ${name}`, { file: f });
    return v;
  };
  // ISO_IR 192 is UTF-8; the ISO 8859 sets agree with latin1 for the characters names use in
  // practice, and ISO 2022 escapes are left as they are (identity values are only compared, not shown)
  const utf8 = (s(0x00080005) ?? '').includes('ISO_IR 192');
  const text = (tag: number): string | undefined => decodeText(s(tag), utf8);
  const frames = intValue(b, e, 0x00280008, 'NumberOfFrames', f);
  if (frames !== undefined && frames < 1) {
    throw new AppError('malformed_file', `${f}: NumberOfFrames (0028,0008) is ${frames}`, { file: f });
  }
  return {
    studyInstanceUid: required(0x0020000d, 'StudyInstanceUID (0020,000D)'),
    seriesInstanceUid: required(0x0020000e, 'SeriesInstanceUID (0020,000E)'),
    sopInstanceUid: required(0x00080018, 'SOPInstanceUID (0008,0018)'),
    sopClassUid: required(0x00080016, 'SOPClassUID (0008,0016)'),
    modality: s(0x00080060),
    bodyPartExamined: s(0x00180015),
    seriesDescription: text(0x0008103e),
    seriesNumber: intValue(b, e, 0x00200011, 'SeriesNumber', f),
    instanceNumber: intValue(b, e, 0x00200013, 'InstanceNumber', f),
    rows: uint16Value(b, e, 0x00280010, le),
    columns: uint16Value(b, e, 0x00280011, le),
    pixelSpacing: fixed(decimalValues(b, e, 0x00280030, 'PixelSpacing', f), 2, 'PixelSpacing (0028,0030)', f) as DicomHeader['pixelSpacing'],
    sliceThickness: decimalValues(b, e, 0x00180050, 'SliceThickness', f)?.[0],
    spacingBetweenSlices: decimalValues(b, e, 0x00180088, 'SpacingBetweenSlices', f)?.[0],
    imagePositionPatient: fixed(
      decimalValues(b, e, 0x00200032, 'ImagePositionPatient', f),
      3,
      'ImagePositionPatient (0020,0032)',
      f,
    ) as DicomHeader['imagePositionPatient'],
    imageOrientationPatient: fixed(
      decimalValues(b, e, 0x00200037, 'ImageOrientationPatient', f),
      6,
      'ImageOrientationPatient (0020,0037)',
      f,
    ) as DicomHeader['imageOrientationPatient'],
    numberOfFrames: frames ?? 1,
    transferSyntaxUid: p.transferSyntax.uid,
    burnedInAnnotation: s(0x00280301),
    identity: identityOf(p.body, e, utf8),
  };
}

function identityOf(b: Uint8Array, e: readonly DicomElement[], utf8: boolean): DicomIdentity {
  const t = (tag: number): string | undefined => decodeText(stringValue(b, e, tag), utf8);
  return {
    patientName: t(0x00100010),
    patientId: t(0x00100020),
    patientBirthDate: t(0x00100030),
    patientSex: t(0x00100040),
    accessionNumber: t(0x00080050),
    studyDate: t(0x00080020),
    institutionName: t(0x00080080),
  };
}
