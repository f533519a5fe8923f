/**
 * Reads what the CLI is pointed at: a NIfTI file (.nii / .nii.gz) or a directory holding one DICOM
 * series. The pipeline gets its volume from the convert step instead; both end in segmentVolume.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AppError } from '@/lib/errors';
import type { Volume } from '@/lib/imaging/volume';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { seriesToVolume } from '@/lib/imaging/dicom/series-to-volume';
import type { SourceFiles } from './segment-volume';

export interface InputVolume {
  kind: 'nifti' | 'dicom';
  volume: Volume;
  /** the DICOM files, for writing a SEG against them */
  source?: SourceFiles;
}

/**
 * Series folders often carry a README or LICENSE beside the instances; DICOM files have no fixed
 * extension, so only obvious non-DICOM names are skipped and the series reader judges the rest.
 */
function isDicomName(name: string): boolean {
  return !name.startsWith('.') && !/^(readme|license|notice)/i.test(name) && !/\.(md|txt|json|html?|pdf|xml|csv|ya?ml|nii(\.gz)?)$/i.test(name);
}

export async function readInputVolume(path: string): Promise<InputVolume> {
  const info = await stat(path).catch(() => {
    throw new AppError('not_found', `${path}: no such file or directory`, { file: path });
  });
  if (info.isDirectory()) {
    const names = (await readdir(path, { withFileTypes: true }))
      .filter((e) => e.isFile() && isDicomName(e.name))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) throw new AppError('invalid_input', `${path}: the directory holds no files (expected one DICOM series)`, { file: path });
    const files = await Promise.all(names.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(join(path, name))) })));
    return { kind: 'dicom', volume: await seriesToVolume(files, basename(path)), source: files };
  }
  if (!/\.nii(\.gz)?$/i.test(path)) {
    throw new AppError('unsupported', `${path}: expected a .nii or .nii.gz file, or a directory with one DICOM series`, { file: path });
  }
  return { kind: 'nifti', volume: readNiftiBytes(new Uint8Array(await readFile(path)), basename(path)) };
}

/** readNifti, with .nii.gz inflated by Node's native zlib first (3-4x faster than the JS inflate). */
export function readNiftiBytes(bytes: Uint8Array, name: string): Volume {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let raw: Uint8Array;
    try {
      raw = gunzipSync(bytes);
    } catch (err) {
      throw new AppError('malformed_file', `${name}: gzip data is corrupt or truncated (${(err as Error).message})`, { file: name });
    }
    return readNifti(raw, name);
  }
  return readNifti(bytes, name);
}
