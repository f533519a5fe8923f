import type { DicomInstance } from '@/db/schema';
import { getObjectStream } from '../storage/objects';
import { checkAccept } from './accept';
import { multipartResponse } from './multipart';

/**
 * WADO-RS retrieve (study, series or instance): multipart/related; type="application/dicom", each
 * part the stored object's bytes unchanged, streamed from the bucket one instance after another.
 */
export function retrieveResponse(accept: string | null, instances: DicomInstance[], baseUrl: string): Response {
  checkAccept(accept, { mediaType: 'application/dicom', transferSyntaxUids: [...new Set(instances.map((i) => i.transferSyntaxUid))] });
  return multipartResponse(
    'application/dicom',
    instances.map((i) => ({
      contentType: `application/dicom; transfer-syntax=${i.transferSyntaxUid}`,
      headers: { 'Content-Location': `${baseUrl}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}` },
      body: () => getObjectStream({ key: i.key, versionId: i.versionId }),
    })),
  );
}
