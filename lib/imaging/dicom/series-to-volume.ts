/**
 * DICOM series → Volume: group check, geometry (see series-to-volume-geometry.ts), pixel decoding
 * and rescale slope/intercept. Async because compressed frames go through WASM decoders.
 */
import { AppError } from '../../errors';
import { MAX_VOLUME_BYTES } from '../nifti/read-nifti-header';
import { spacingOfAffine } from '../nifti/mat4';
import type { Volume, VoxelArray } from '../volume';
import { decodeFrame } from './decode-pixels';
import { groupSlices, readSlice, type DicomFile, type DicomSlice } from './group-series';
import { computeSeriesGeometry } from './series-to-volume-geometry';

export { groupSeries } from './group-series';
export type { DicomFile, SeriesGroup } from './group-series';

export async function seriesToVolume(files: DicomFile[], seriesLabel?: string): Promise<Volume> {
  if (files.length === 0) throw new AppError('invalid_input', `series ${seriesLabel ?? ''}: no files`.replace('  ', ' '));
  const slices = files.map(readSlice).filter((s) => s.pixelData !== undefined || s.position !== undefined);
  const uids = [...new Set(slices.map((s) => s.seriesInstanceUid))];
  const label = seriesLabel ?? (uids.length === 1 ? describeSeries(slices[0]) : 'upload');
  if (slices.length === 0) throw new AppError('invalid_input', `series ${label}: no image instances among ${files.length} file(s)`);
  if (uids.length > 1) {
    throw new AppError('invalid_input', `series ${label}: files belong to ${uids.length} different series; convert one series at a time`, {
      series: label,
    });
  }
  const groups = groupSlices(slices);
  if (groups.length > 1) {
    throw new AppError(
      'malformed_file',
      `series ${label}: mixed slice orientations (${groups.length} different ImageOrientationPatient values in one series)`,
      { series: label },
    );
  }
  const geo = computeSeriesGeometry(slices, label);
  const { rows, columns, sorted } = geo;
  const first = sorted[0];
  const bytesPerSample = first.bitsAllocated / 8;
  if (![1, 2, 4].includes(bytesPerSample)) {
    throw new AppError('unsupported', `series ${label}: BitsAllocated ${first.bitsAllocated} is not supported`, { series: label });
  }
  const perSlice = rows * columns;
  const total = perSlice * sorted.length;
  if (total * Math.max(4, bytesPerSample) > MAX_VOLUME_BYTES) {
    throw new AppError('too_large', `series ${label}: ${columns}x${rows}x${sorted.length} voxels exceed the size limit`, { series: label });
  }
  const stored = storedArray(first, total);
  const scaled = sorted.some((s) => s.slope !== 1 || s.intercept !== 0);
  const integerScale = sorted.every((s) => Number.isInteger(s.slope) && Number.isInteger(s.intercept));
  let out: VoxelArray = stored;
  if (scaled && !integerScale) out = new Float32Array(total);
  let min = Infinity;
  let max = -Infinity;
  for (let z = 0; z < sorted.length; z++) {
    const s = sorted[z];
    checkSameEncoding(s, first, label);
    const frame = s.pixelData?.[0];
    if (!frame) throw new AppError('malformed_file', `series ${label}: ${s.name} has no pixel data`, { series: label, file: s.name });
    const bytes = await decodeFrame(new Uint8Array(frame), frameInfo(s), s.transferSyntax, s.name);
    const aligned = new Uint8Array(perSlice * bytesPerSample);
    aligned.set(bytes);
    const samples = storedArray(s, perSlice, aligned.buffer);
    signExtend(samples, s);
    const base = z * perSlice;
    for (let i = 0; i < perSlice; i++) {
      const v = scaled ? samples[i] * s.slope + s.intercept : samples[i];
      if (out !== stored) out[base + i] = v;
      else stored[base + i] = samples[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (scaled && integerScale) out = applyIntegerScale(stored, sorted, perSlice, min, max);
  return { dims: [columns, rows, sorted.length], spacing: spacingOfAffine(geo.affine), affine: geo.affine, data: out };
}

function describeSeries(s: DicomSlice): string {
  return s.seriesDescription ? `"${s.seriesDescription}" (${s.seriesInstanceUid})` : s.seriesInstanceUid || '(no SeriesInstanceUID)';
}

function frameInfo(s: DicomSlice) {
  return { rows: s.rows, columns: s.columns, bitsAllocated: s.bitsAllocated, samplesPerPixel: s.samplesPerPixel, signed: s.pixelRepresentation === 1 };
}

function checkSameEncoding(s: DicomSlice, first: DicomSlice, label: string): void {
  if (s.bitsAllocated !== first.bitsAllocated || s.pixelRepresentation !== first.pixelRepresentation) {
    throw new AppError('malformed_file', `series ${label}: ${s.name} stores pixels differently from ${first.name}`, { series: label });
  }
}

function storedArray(s: DicomSlice, n: number, buffer?: ArrayBuffer): VoxelArray {
  const signed = s.pixelRepresentation === 1;
  const b = buffer ?? new ArrayBuffer(n * (s.bitsAllocated / 8));
  if (s.bitsAllocated === 8) return signed ? new Int8Array(b, 0, n) : new Uint8Array(b, 0, n);
  if (s.bitsAllocated === 16) return signed ? new Int16Array(b, 0, n) : new Uint16Array(b, 0, n);
  return signed ? new Int32Array(b, 0, n) : new Uint32Array(b, 0, n);
}

/** Signed samples with BitsStored < BitsAllocated carry their sign in bit BitsStored-1. */
function signExtend(samples: VoxelArray, s: DicomSlice): void {
  if (s.pixelRepresentation !== 1 || s.bitsStored >= s.bitsAllocated || s.bitsStored <= 0) return;
  const shift = 32 - s.bitsStored;
  for (let i = 0; i < samples.length; i++) samples[i] = (samples[i] << shift) >> shift;
}

/** Integer rescale (typical CT: slope 1, intercept -1024) stays integer: int16 when it fits, else int32. */
function applyIntegerScale(stored: VoxelArray, sorted: DicomSlice[], perSlice: number, min: number, max: number): VoxelArray {
  const out = min >= -32768 && max <= 32767 ? new Int16Array(stored.length) : new Int32Array(stored.length);
  for (let z = 0; z < sorted.length; z++) {
    const { slope, intercept } = sorted[z];
    const base = z * perSlice;
    for (let i = 0; i < perSlice; i++) out[base + i] = stored[base + i] * slope + intercept;
  }
  return out;
}
