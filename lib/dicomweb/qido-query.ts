import { AppError } from '../errors';
import { keywordOf, type Keyword } from './dicom-json';

/** A parsed QIDO-RS query (PS3.18 8.3.4): the matching segflow supports on its index. */
export interface QidoQuery {
  studyInstanceUids?: string[];
  seriesInstanceUids?: string[];
  sopInstanceUids?: string[];
  sopClassUids?: string[];
  /** PatientID, with DICOM wildcards (* and ?) */
  patientId?: string;
  /** StudyDate range, inclusive, YYYYMMDD; either end may be open */
  studyDate?: { from?: string; to?: string };
  /** ModalitiesInStudy (study level) or Modality (series and instance level) */
  modalities?: string[];
  limit: number;
  offset: number;
  /** extra return attributes; 'all' = every attribute segflow holds */
  includeFields: Keyword[] | 'all';
}

/** without a limit a search answers at most this many matches (a Warning header says when there are more) */
export const MAX_RESULTS = 1000;

const UID = /^[0-9]+(\.[0-9]+)*$/;
const DATE = /^\d{8}$/;

function bad(field: string, problem: string): AppError {
  return new AppError('invalid_input', `${field}: ${problem}`, { field });
}

function uidList(field: string, value: string): string[] {
  const uids = value
    .split(/[,\\]/)
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of uids) if (!UID.test(u) || u.length > 64) throw bad(field, `"${u}" is not a UID (digits and dots, at most 64 characters)`);
  return uids;
}

function dateRange(value: string): { from?: string; to?: string } {
  const [from, to, ...rest] = value.includes('-') ? value.split('-') : [value, value];
  for (const d of [from, to])
    if (d && !DATE.test(d)) throw bad('StudyDate', `"${value}" is not a date (YYYYMMDD) or a range (YYYYMMDD-YYYYMMDD, either end open)`);
  if (rest.length || (!from && !to)) throw bad('StudyDate', `"${value}" is not a date (YYYYMMDD) or a range (YYYYMMDD-YYYYMMDD, either end open)`);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function count(field: string, value: string, max: number): number {
  if (!/^\d+$/.test(value)) throw bad(field, `"${value}" is not a whole number`);
  return Math.min(Number(value), max);
}

/**
 * Query keys by keyword or tag; values as PS3.18 says (UID lists with commas or backslashes).
 * Attributes segflow holds no value for (e.g. AccessionNumber, StudyDescription, removed or not
 * indexed) are ignored as matching keys, as an origin server may.
 */
export function parseQidoQuery(params: URLSearchParams): QidoQuery {
  const q: QidoQuery = { limit: MAX_RESULTS, offset: 0, includeFields: [] };
  const include = new Set<Keyword>();
  for (const [rawKey, value] of params) {
    const key = rawKey.trim();
    if (key === 'limit') q.limit = count('limit', value, MAX_RESULTS);
    else if (key === 'offset') q.offset = count('offset', value, Number.MAX_SAFE_INTEGER);
    else if (key === 'includefield') {
      for (const f of value
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        if (f === 'all') q.includeFields = 'all';
        const k = keywordOf(f);
        if (k) include.add(k);
      }
    } else if (key === 'fuzzymatching') continue;
    else {
      const k = keywordOf(key);
      if (!value && k) continue; // universal matching
      if (k === 'StudyInstanceUID') q.studyInstanceUids = uidList(k, value);
      else if (k === 'SeriesInstanceUID') q.seriesInstanceUids = uidList(k, value);
      else if (k === 'SOPInstanceUID') q.sopInstanceUids = uidList(k, value);
      else if (k === 'SOPClassUID') q.sopClassUids = uidList(k, value);
      // de-identification writes the pseudonym as PatientName too: both match it (a viewer's patient search)
      else if (k === 'PatientID' || k === 'PatientName') q.patientId = value;
      else if (k === 'StudyDate') q.studyDate = dateRange(value);
      else if (k === 'ModalitiesInStudy' || k === 'Modality')
        q.modalities = value
          .split(/[,\\]/)
          .map((m) => m.trim())
          .filter(Boolean);
    }
  }
  if (q.includeFields !== 'all') q.includeFields = [...include];
  return q;
}

/** PatientID wildcards (PS3.4 C.2.2.2.4: * any run, ? one character) as a SQL LIKE pattern */
export function likePattern(value: string): string {
  return value
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}
