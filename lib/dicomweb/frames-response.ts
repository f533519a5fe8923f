import type { DicomInstance } from '@/db/schema';
import { checkAccept } from './accept';
import { instanceFrames, parseFrameList } from './frames';
import { multipartResponse } from './multipart';
import { readStoredInstance } from './read-stored-instance';

/** WADO-RS frames: multipart/related, one part per requested frame, as stored (no transcoding). */
export async function framesResponse(accept: string | null, i: DicomInstance, list: string): Promise<Response> {
  const numbers = parseFrameList(list, i.numberOfFrames);
  const { mediaType, frames } = instanceFrames(i, await readStoredInstance(i), numbers);
  checkAccept(accept, { mediaType, transferSyntaxUids: [i.transferSyntaxUid] });
  return multipartResponse(
    mediaType,
    frames.map((f) => ({ contentType: `${mediaType}; transfer-syntax=${i.transferSyntaxUid}`, body: async () => f })),
  );
}
