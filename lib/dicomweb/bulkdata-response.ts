import type { DicomInstance } from '@/db/schema';
import { notFound } from './dicomweb-route';
import { multipartResponse } from './multipart';
import { readStoredInstance } from './read-stored-instance';

/**
 * WADO-RS bulk data: the value of one top-level attribute of a stored instance (what a metadata
 * BulkDataURI points to), multipart/related; type=application/octet-stream; encapsulated pixel data
 * one part per frame.
 */
export async function bulkdataResponse(i: DicomInstance, tag: string): Promise<Response> {
  const el = (await readStoredInstance(i))[tag.toUpperCase()];
  const values = (el?.Value ?? []).filter((v): v is ArrayBuffer => v instanceof ArrayBuffer);
  if (!values.length) throw notFound(`bulk data ${tag.toUpperCase()} of instance ${i.sopInstanceUid}`);
  return multipartResponse(
    'application/octet-stream',
    values.map((v) => ({ contentType: 'application/octet-stream', body: async () => new Uint8Array(v) })),
  );
}
