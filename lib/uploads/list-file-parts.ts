import { ListPartsCommand } from '@aws-sdk/client-s3';
import type { UploadFile } from '@/db/schema';
import { getStorage } from '../storage/s3-client';
import type { PartsDto } from './schemas';

/** Errors of a store that does not implement ListParts (the embedded s3rver answers MethodNotAllowed). */
function unsupported(err: unknown): boolean {
  const name = (err as { name?: string; Code?: string } | null)?.name ?? '';
  return name === 'MethodNotAllowed' || name === 'NotImplemented';
}

/** The parts the store holds for a multipart file (ListParts, every page), or supported: false. */
export async function listFileParts(file: Pick<UploadFile, 'key' | 'multipartId'>): Promise<PartsDto> {
  if (!file.multipartId) return { supported: true, parts: [] };
  const { client, settings } = getStorage();
  const parts: PartsDto['parts'] = [];
  let marker: string | undefined;
  try {
    for (;;) {
      const res = await client.send(new ListPartsCommand({ Bucket: settings.bucket, Key: file.key, UploadId: file.multipartId, PartNumberMarker: marker }));
      for (const part of res.Parts ?? []) {
        if (part.PartNumber && part.ETag) parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0, checksumCrc32: part.ChecksumCRC32 });
      }
      if (!res.IsTruncated || !res.NextPartNumberMarker) break;
      marker = res.NextPartNumberMarker;
    }
  } catch (err) {
    if (unsupported(err)) return { supported: false, parts: [] };
    throw err;
  }
  return { supported: true, parts };
}
