import { and, asc, count, countDistinct, eq, gte, inArray, like, lte, min, sql, type SQL } from 'drizzle-orm';
import { dicomInstances } from '@/db/schema';
import type { DbOrTx } from '../db';
import { element, TAGS, type DicomJsonDataset, type Keyword } from './dicom-json';
import { likePattern, type QidoQuery } from './qido-query';

/**
 * QIDO-RS search for studies, series or instances of one project, answered from the DICOMweb index
 * (db/schema/dicomweb.ts) alone. `scope` holds the UIDs of the request path (studies/{study}/series…).
 */
export type QidoLevel = 'study' | 'series' | 'instance';

export interface SearchParams {
  projectId: string;
  level: QidoLevel;
  scope: { study?: string; series?: string };
  query: QidoQuery;
  /** the project's DICOMweb root, e.g. https://host/dicomweb/demo (for RetrieveURL) */
  baseUrl: string;
}

export interface SearchResult {
  datasets: DicomJsonDataset[];
  /** more matches than were answered (limit or the server's cap) */
  more: boolean;
}

const d = dicomInstances;

function conditions(p: SearchParams): SQL[] {
  const q = p.query;
  const c: SQL[] = [eq(d.projectId, p.projectId)];
  if (p.scope.study) c.push(eq(d.studyInstanceUid, p.scope.study));
  if (p.scope.series) c.push(eq(d.seriesInstanceUid, p.scope.series));
  if (q.studyInstanceUids) c.push(inArray(d.studyInstanceUid, q.studyInstanceUids));
  if (q.seriesInstanceUids) c.push(inArray(d.seriesInstanceUid, q.seriesInstanceUids));
  if (q.sopInstanceUids) c.push(inArray(d.sopInstanceUid, q.sopInstanceUids));
  if (q.sopClassUids) c.push(inArray(d.sopClassUid, q.sopClassUids));
  if (q.patientId) c.push(like(d.patientId, likePattern(q.patientId)));
  if (q.studyDate?.from) c.push(gte(d.studyDate, q.studyDate.from));
  if (q.studyDate?.to) c.push(lte(d.studyDate, q.studyDate.to));
  // at series and instance level Modality matches the series' own; ModalitiesInStudy is a study-level HAVING
  if (q.modalities && p.level !== 'study') c.push(inArray(d.modality, q.modalities));
  return c;
}

function wanted(q: QidoQuery, defaults: readonly Keyword[], extra: readonly Keyword[]): (k: Keyword) => boolean {
  const set = new Set<Keyword>([...defaults, ...(q.includeFields === 'all' ? extra : q.includeFields.filter((k) => extra.includes(k)))]);
  return (k) => set.has(k);
}

function put(ds: DicomJsonDataset, want: (k: Keyword) => boolean, k: Keyword, vr: string, value: Parameters<typeof element>[1]): void {
  if (want(k)) ds[TAGS[k]] = element(vr, value);
}

const STUDY_DEFAULTS: Keyword[] = [
  'SpecificCharacterSet',
  'StudyDate',
  'StudyTime',
  'AccessionNumber',
  'InstanceAvailability',
  'ModalitiesInStudy',
  'ReferringPhysicianName',
  'RetrieveURL',
  'PatientName',
  'PatientID',
  'StudyInstanceUID',
  'StudyID',
  'NumberOfStudyRelatedSeries',
  'NumberOfStudyRelatedInstances',
];
const SERIES_DEFAULTS: Keyword[] = [
  'SpecificCharacterSet',
  'Modality',
  'SeriesDescription',
  'RetrieveURL',
  'SeriesInstanceUID',
  'SeriesNumber',
  'NumberOfSeriesRelatedInstances',
  'StudyInstanceUID',
];
const INSTANCE_DEFAULTS: Keyword[] = [
  'SpecificCharacterSet',
  'SOPClassUID',
  'SOPInstanceUID',
  'InstanceAvailability',
  'RetrieveURL',
  'InstanceNumber',
  'Rows',
  'Columns',
  'NumberOfFrames',
  'AvailableTransferSyntaxUID',
  'StudyInstanceUID',
  'SeriesInstanceUID',
  'Modality',
];
const STUDY_EXTRA: Keyword[] = ['StudyDate', 'PatientName', 'PatientID', 'ModalitiesInStudy', 'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances'];
const SERIES_EXTRA: Keyword[] = ['Modality', 'SeriesDescription', 'SeriesNumber', 'NumberOfSeriesRelatedInstances', ...STUDY_EXTRA];

export async function searchDicom(db: DbOrTx, p: SearchParams): Promise<SearchResult> {
  const q = p.query;
  const where = and(...conditions(p));
  const take = q.limit + 1;
  const url = (...parts: string[]) => [p.baseUrl, ...parts].join('/');
  let datasets: DicomJsonDataset[];

  if (p.level === 'study') {
    const modalities = sql<string[]>`array_remove(array_agg(distinct ${d.modality} order by ${d.modality}), null)`;
    const rows = await db
      .select({
        study: d.studyInstanceUid,
        patientId: min(d.patientId),
        studyDate: min(d.studyDate),
        modalities,
        series: countDistinct(d.seriesInstanceUid),
        instances: count(),
      })
      .from(d)
      .where(where)
      .groupBy(d.studyInstanceUid)
      .having(q.modalities ? sql`bool_or(${inArray(d.modality, q.modalities)})` : undefined)
      .orderBy(asc(min(d.createdAt)), asc(d.studyInstanceUid))
      .limit(take)
      .offset(q.offset);
    const want = wanted(q, STUDY_DEFAULTS, STUDY_EXTRA);
    datasets = rows.map((r) => {
      const ds: DicomJsonDataset = {};
      put(ds, want, 'SpecificCharacterSet', 'CS', 'ISO_IR 192');
      put(ds, want, 'StudyDate', 'DA', r.studyDate);
      put(ds, want, 'StudyTime', 'TM', null);
      put(ds, want, 'AccessionNumber', 'SH', null);
      put(ds, want, 'InstanceAvailability', 'CS', 'ONLINE');
      put(ds, want, 'ModalitiesInStudy', 'CS', r.modalities ?? []);
      put(ds, want, 'ReferringPhysicianName', 'PN', null);
      put(ds, want, 'RetrieveURL', 'UR', url('studies', r.study));
      // de-identification writes the pseudonym as both PatientName and PatientID
      put(ds, want, 'PatientName', 'PN', r.patientId);
      put(ds, want, 'PatientID', 'LO', r.patientId);
      put(ds, want, 'StudyInstanceUID', 'UI', r.study);
      put(ds, want, 'StudyID', 'SH', null);
      put(ds, want, 'NumberOfStudyRelatedSeries', 'IS', r.series);
      put(ds, want, 'NumberOfStudyRelatedInstances', 'IS', r.instances);
      return ds;
    });
  } else if (p.level === 'series') {
    const rows = await db
      .select({
        study: d.studyInstanceUid,
        series: d.seriesInstanceUid,
        modality: min(d.modality),
        description: min(d.seriesDescription),
        number: min(d.seriesNumber),
        patientId: min(d.patientId),
        studyDate: min(d.studyDate),
        instances: count(),
      })
      .from(d)
      .where(where)
      .groupBy(d.studyInstanceUid, d.seriesInstanceUid)
      .orderBy(asc(d.studyInstanceUid), asc(min(d.seriesNumber)), asc(min(d.createdAt)), asc(d.seriesInstanceUid))
      .limit(take)
      .offset(q.offset);
    const want = wanted(q, SERIES_DEFAULTS, STUDY_EXTRA);
    datasets = rows.map((r) => {
      const ds: DicomJsonDataset = {};
      put(ds, want, 'SpecificCharacterSet', 'CS', 'ISO_IR 192');
      put(ds, want, 'StudyDate', 'DA', r.studyDate);
      put(ds, want, 'Modality', 'CS', r.modality);
      put(ds, want, 'SeriesDescription', 'LO', r.description);
      put(ds, want, 'RetrieveURL', 'UR', url('studies', r.study, 'series', r.series));
      put(ds, want, 'PatientName', 'PN', r.patientId);
      put(ds, want, 'PatientID', 'LO', r.patientId);
      put(ds, want, 'StudyInstanceUID', 'UI', r.study);
      put(ds, want, 'SeriesInstanceUID', 'UI', r.series);
      put(ds, want, 'SeriesNumber', 'IS', r.number);
      put(ds, want, 'NumberOfSeriesRelatedInstances', 'IS', r.instances);
      return ds;
    });
  } else {
    const rows = await db
      .select()
      .from(d)
      .where(where)
      .orderBy(asc(d.studyInstanceUid), asc(d.seriesInstanceUid), asc(d.instanceNumber), asc(d.sopInstanceUid))
      .limit(take)
      .offset(q.offset);
    const want = wanted(q, INSTANCE_DEFAULTS, SERIES_EXTRA);
    datasets = rows.map((r) => {
      const ds: DicomJsonDataset = {};
      put(ds, want, 'SpecificCharacterSet', 'CS', 'ISO_IR 192');
      put(ds, want, 'SOPClassUID', 'UI', r.sopClassUid);
      put(ds, want, 'SOPInstanceUID', 'UI', r.sopInstanceUid);
      put(ds, want, 'StudyDate', 'DA', r.studyDate);
      put(ds, want, 'InstanceAvailability', 'CS', 'ONLINE');
      put(ds, want, 'Modality', 'CS', r.modality);
      put(ds, want, 'SeriesDescription', 'LO', r.seriesDescription);
      put(ds, want, 'RetrieveURL', 'UR', url('studies', r.studyInstanceUid, 'series', r.seriesInstanceUid, 'instances', r.sopInstanceUid));
      put(ds, want, 'AvailableTransferSyntaxUID', 'UI', r.transferSyntaxUid);
      put(ds, want, 'PatientName', 'PN', r.patientId);
      put(ds, want, 'PatientID', 'LO', r.patientId);
      put(ds, want, 'StudyInstanceUID', 'UI', r.studyInstanceUid);
      put(ds, want, 'SeriesInstanceUID', 'UI', r.seriesInstanceUid);
      put(ds, want, 'SeriesNumber', 'IS', r.seriesNumber);
      put(ds, want, 'InstanceNumber', 'IS', r.instanceNumber);
      put(ds, want, 'NumberOfFrames', 'IS', r.numberOfFrames);
      put(ds, want, 'Rows', 'US', r.rows);
      put(ds, want, 'Columns', 'US', r.columns);
      return ds;
    });
  }
  const more = datasets.length > q.limit;
  return { datasets: datasets.slice(0, q.limit), more };
}
