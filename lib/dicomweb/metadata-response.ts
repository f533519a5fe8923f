import type { DicomInstance } from '@/db/schema';
import { dicomJsonResponse } from './dicomweb-route';
import { instanceMetadata, instanceUrl } from './instance-metadata';
import { readStoredInstance } from './read-stored-instance';

/** how many stored instances are read at once for a series' metadata */
const READ_CONCURRENCY = 8;

/** WADO-RS metadata of the instances a path names: one DICOM JSON dataset each, bulk data by URI. */
export async function metadataResponse(instances: DicomInstance[], baseUrl: string): Promise<Response> {
  const out = new Array(instances.length);
  for (let at = 0; at < instances.length; at += READ_CONCURRENCY) {
    await Promise.all(
      instances.slice(at, at + READ_CONCURRENCY).map(async (i, k) => {
        out[at + k] = instanceMetadata(await readStoredInstance(i), instanceUrl(baseUrl, i));
      }),
    );
  }
  return dicomJsonResponse(out);
}
