import { api } from 'dicomweb-client';
import XMLHttpRequest from 'xhr2';

// dicomweb-client speaks XMLHttpRequest (it is a browser library); xhr2 is that API over Node's http
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XMLHttpRequest;

type Q = { queryParams?: Record<string, string> };
type Ds = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;

/**
 * The part of dicomweb-client's API the tests use. Its bundled typings mark every option as
 * required (e.g. `request`), so the client is typed here by what its documentation says.
 */
export interface DicomwebClient {
  searchForStudies(o?: Q): Promise<Ds[]>;
  searchForSeries(o?: Q & { studyInstanceUID?: string }): Promise<Ds[]>;
  searchForInstances(o?: Q & { studyInstanceUID?: string; seriesInstanceUID?: string }): Promise<Ds[]>;
  retrieveStudy(o: { studyInstanceUID: string }): Promise<ArrayBuffer[]>;
  retrieveSeries(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<ArrayBuffer[]>;
  retrieveInstance(o: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string }): Promise<ArrayBuffer>;
  retrieveStudyMetadata(o: { studyInstanceUID: string }): Promise<Ds[]>;
  retrieveSeriesMetadata(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<Ds[]>;
  retrieveInstanceMetadata(o: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string }): Promise<Ds[]>;
  retrieveInstanceFrames(o: { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string; frameNumbers: number[] }): Promise<ArrayBuffer[]>;
  retrieveBulkData(o: { BulkDataURI: string }): Promise<ArrayBuffer[]>;
  storeInstances(o: { datasets: ArrayBuffer[]; studyInstanceUID?: string }): Promise<unknown>;
}

export function dicomwebClient(url: string, token: string): DicomwebClient {
  return new api.DICOMwebClient({ url, headers: { Authorization: `Bearer ${token}` } } as never) as unknown as DicomwebClient;
}
