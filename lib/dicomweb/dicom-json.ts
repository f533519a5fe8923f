/**
 * DICOM JSON Model (PS3.18 F.2) pieces for the attributes segflow answers from its index. Tags as
 * eight upper-case hex digits; an attribute without a value is `{ vr }` alone.
 */
export type DicomJsonElement = { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string };
export type DicomJsonDataset = Record<string, DicomJsonElement>;

export function element(vr: string, value: string | number | null | undefined | (string | number)[]): DicomJsonElement {
  const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined && v !== '');
  if (!values.length) return { vr };
  return { vr, Value: vr === 'PN' ? values.map((v) => ({ Alphabetic: String(v) })) : values };
}

/** The query and return attributes of segflow's QIDO-RS, by keyword (PS3.6). */
export const TAGS = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  InstanceAvailability: '00080056',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  ReferringPhysicianName: '00080090',
  SeriesDescription: '0008103E',
  RetrieveURL: '00081190',
  AvailableTransferSyntaxUID: '00083002',
  PatientName: '00100010',
  PatientID: '00100020',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
} as const;
export type Keyword = keyof typeof TAGS;

const KEYWORD_OF_TAG = new Map<string, Keyword>(Object.entries(TAGS).map(([k, t]) => [t, k as Keyword]));

/** A query key or includefield value (keyword or tag, PS3.18 8.3.4.1) → its keyword, or null when segflow does not know it. */
export function keywordOf(key: string): Keyword | null {
  if (key in TAGS) return key as Keyword;
  return KEYWORD_OF_TAG.get(key.toUpperCase()) ?? null;
}
