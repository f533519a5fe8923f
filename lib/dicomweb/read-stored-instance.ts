import dcmjs, { type DcmjsElement } from 'dcmjs';
import type { DicomInstance } from '@/db/schema';
import { AppError } from '../errors';
import { getObjectBytes } from '../storage/objects';

/** The dataset (without file meta) of one stored instance, read with dcmjs: what metadata, frames and bulk data answer from. */
export async function readStoredInstance(i: DicomInstance): Promise<Record<string, DcmjsElement>> {
  const bytes = await getObjectBytes({ key: i.key, versionId: i.versionId });
  try {
    return dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).dict;
  } catch (err) {
    throw new AppError('malformed_file', `instance ${i.sopInstanceUid}: cannot be read (${(err as Error).message})`);
  }
}
