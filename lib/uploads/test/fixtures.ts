import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blobSource, type UploadSource } from '../client/upload-source';

export const CT_SERIES_DIR = join(process.cwd(), 'fixtures/dicom/series/tcia-lung-pet-ct-dx-ct');
export const T1_NIFTI = join(process.cwd(), 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');

export function bytesSource(bytes: Uint8Array, name: string, lastModified = 1): UploadSource {
  return blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), name, lastModified);
}

export function fileSource(path: string): UploadSource {
  return bytesSource(new Uint8Array(readFileSync(path)), path.split('/').pop()!);
}

export function ctSeriesSources(): UploadSource[] {
  return readdirSync(CT_SERIES_DIR)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => fileSource(join(CT_SERIES_DIR, f)));
}
