/**
 * DICOM Segmentation → labelmap (voxel value = segment number) plus segment descriptions.
 * With the source series the labelmap is on its grid (same layout as seriesToVolume); without it,
 * the grid is rebuilt from the SEG's own plane positions. Overlapping segments: the higher number wins.
 */
import { AppError } from '../../errors';
import type { DicomFile } from '../dicom/group-series';
import { readSlice } from '../dicom/group-series';
import type { Mat4, Volume } from '../volume';
import { spacingOfAffine } from '../nifti/mat4';
import { MAX_VOLUME_BYTES } from '../nifti/read-nifti-header';
import { dicomLabToRgb } from './dcmjs-writer';
import { readSourceGeometry } from './source-geometry';
import type { Code } from './write-seg';

export interface SegSegment {
  number: number;
  label: string;
  color?: [number, number, number];
  category?: Code;
  type?: Code;
}
export interface ReadSegResult {
  labelmap: Volume;
  segments: SegSegment[];
}

type Item = Record<string, unknown>;
const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const seq = (v: unknown): Item[] => (Array.isArray(v) ? (v as Item[]) : v && typeof v === 'object' ? [v as Item] : []);
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : v === undefined ? [] : [Number(v)]);

export function readSeg(bytes: Uint8Array, source?: DicomFile[], fileName = 'SEG'): ReadSegResult {
  const seg = readSlice({ name: fileName, bytes });
  const ds = seg.dataset;
  const fail = (problem: string, code: 'malformed_file' | 'unsupported' | 'too_large' = 'malformed_file') =>
    new AppError(code, `${fileName}: ${problem}`, { file: fileName });
  if (seg.sopClassUid !== SEG_SOP_CLASS) throw fail(`not a DICOM Segmentation (SOP Class ${seg.sopClassUid || 'missing'})`);
  const type = String(ds.SegmentationType ?? '');
  if (type !== 'BINARY' && type !== 'FRACTIONAL') throw fail(`SegmentationType "${type}" is not supported`, 'unsupported');
  if (seg.transferSyntax !== '1.2.840.10008.1.2.1' && seg.transferSyntax !== '1.2.840.10008.1.2') {
    throw fail(`transfer syntax ${seg.transferSyntax} is not supported for SEG`, 'unsupported');
  }
  const { rows, columns } = seg;
  const nFrames = seg.numberOfFrames;
  const perFrame = rows * columns;
  const pixels = seg.pixelData?.[0] ? new Uint8Array(seg.pixelData[0]) : undefined;
  const bitsPer = type === 'BINARY' ? 1 : 8;
  if (!pixels || pixels.length * 8 < nFrames * perFrame * bitsPer) throw fail(`pixel data is shorter than ${nFrames} frames of ${columns}x${rows}`);

  const shared = seq(ds.SharedFunctionalGroupsSequence)[0] ?? {};
  const perFrameGroups = seq(ds.PerFrameFunctionalGroupsSequence);
  if (perFrameGroups.length !== nFrames) throw fail(`${perFrameGroups.length} per-frame groups for ${nFrames} frames`);
  const group = (f: number, name: string): Item | undefined => seq(perFrameGroups[f][name])[0] ?? seq(shared[name])[0];
  const orientation = nums(group(0, 'PlaneOrientationSequence')?.ImageOrientationPatient);
  const measures = group(0, 'PixelMeasuresSequence') ?? {};
  const spacing = nums(measures.PixelSpacing);
  if (orientation.length !== 6 || spacing.length !== 2) throw fail('no plane orientation or pixel spacing');

  const positions = perFrameGroups.map((_, f) => nums(group(f, 'PlanePositionSequence')?.ImagePositionPatient));
  const segNumbers = perFrameGroups.map((_, f) => Number(group(f, 'SegmentIdentificationSequence')?.ReferencedSegmentNumber));
  const sourceUids = perFrameGroups.map((_, f) =>
    String(seq(seq(group(f, 'DerivationImageSequence')?.SourceImageSequence)[0])[0]?.ReferencedSOPInstanceUID ?? ''),
  );
  if (positions.some((p) => p.length !== 3)) throw fail('a frame has no ImagePositionPatient');

  const normal = cross(orientation.slice(0, 3), orientation.slice(3));
  let dims: [number, number, number];
  let affine: Mat4;
  let sliceOf: (f: number) => number;
  if (source) {
    const geo = readSourceGeometry(source, 'reference');
    if (geo.rows !== rows || geo.columns !== columns) throw fail(`frames are ${columns}x${rows} but the source series is ${geo.columns}x${geo.rows}`);
    dims = [columns, rows, geo.sorted.length];
    affine = geo.affine;
    const byUid = new Map(geo.sorted.map((s, k) => [s.sopInstanceUid, k]));
    const d = geo.sorted.map((s) => dot(s.position!, normal));
    const tol = Math.max(1e-3, 0.1 * Math.hypot(affine[0][2], affine[1][2], affine[2][2]));
    sliceOf = (f) => {
      const k = byUid.get(sourceUids[f]) ?? d.findIndex((x) => Math.abs(x - dot(positions[f], normal)) < tol);
      if (k === undefined || k < 0) throw fail(`frame ${f + 1} lies on no slice of the source series`);
      return k;
    };
  } else {
    const d = positions.map((p) => dot(p, normal));
    const lo = Math.min(...d);
    const hi = Math.max(...d);
    const uniq = [...new Set(d.map((x) => Math.round(x * 1000) / 1000))].sort((a, b) => a - b);
    const gaps = uniq.slice(1).map((x, i) => x - uniq[i]);
    const step = Number(measures.SpacingBetweenSlices) || (gaps.length ? Math.min(...gaps) : Number(measures.SliceThickness) || 1);
    const nz = Math.round((hi - lo) / step) + 1;
    dims = [columns, rows, nz];
    const p0 = positions[d.indexOf(lo)];
    const kVec = normal.map((n) => n * step);
    // Same convention as seriesToVolume: slices ascend along the world axis they move most on.
    const axis = [0, 1, 2].reduce((b, a) => (Math.abs(kVec[a]) > Math.abs(kVec[b]) ? a : b), 0);
    const flip = kVec[axis] < 0 && nz > 1;
    const origin = flip ? p0.map((v, a) => v + kVec[a] * (nz - 1)) : p0;
    const k = flip ? kVec.map((v) => -v) : kVec;
    const [r, c] = [orientation.slice(0, 3), orientation.slice(3)];
    affine = [
      [-r[0] * spacing[1], -c[0] * spacing[0], -k[0], -origin[0]],
      [-r[1] * spacing[1], -c[1] * spacing[0], -k[1], -origin[1]],
      [r[2] * spacing[1], c[2] * spacing[0], k[2], origin[2]],
      [0, 0, 0, 1],
    ];
    sliceOf = (f) => {
      const idx = Math.round((d[f] - lo) / step);
      return flip ? nz - 1 - idx : idx;
    };
  }
  const total = dims[0] * dims[1] * dims[2];
  if (total * 2 > MAX_VOLUME_BYTES) throw fail(`labelmap of ${dims.join('x')} voxels exceeds the size limit`, 'too_large');

  const segments = readSegments(ds);
  const maxSeg = Math.max(0, ...segments.map((s) => s.number));
  const data = maxSeg > 255 ? new Uint16Array(total) : new Uint8Array(total);
  const threshold = type === 'FRACTIONAL' ? Number(ds.MaximumFractionalValue ?? 255) / 2 : 0;
  const order = [...perFrameGroups.keys()].sort((a, b) => segNumbers[a] - segNumbers[b]);
  for (const f of order) {
    const segment = segNumbers[f];
    if (!Number.isInteger(segment) || segment < 1) throw fail(`frame ${f + 1} has no valid ReferencedSegmentNumber`);
    const base = sliceOf(f) * perFrame;
    const bitBase = f * perFrame;
    for (let i = 0; i < perFrame; i++) {
      const on = bitsPer === 1 ? (pixels[(bitBase + i) >> 3] >> ((bitBase + i) & 7)) & 1 : pixels[bitBase + i] > threshold ? 1 : 0;
      if (on) data[base + i] = segment;
    }
  }
  return { labelmap: { dims, spacing: spacingOfAffine(affine), affine, data }, segments };
}

function readSegments(ds: Item): SegSegment[] {
  const codeOf = (v: unknown): Code | undefined => {
    const c = seq(v)[0];
    return c ? { value: String(c.CodeValue ?? ''), scheme: String(c.CodingSchemeDesignator ?? ''), meaning: String(c.CodeMeaning ?? '') } : undefined;
  };
  return seq(ds.SegmentSequence).map((s) => {
    const lab = nums(s.RecommendedDisplayCIELabValue);
    return {
      number: Number(s.SegmentNumber),
      label: String(s.SegmentLabel ?? ''),
      color: lab.length === 3 ? dicomLabToRgb(lab) : undefined,
      category: codeOf(s.SegmentedPropertyCategoryCodeSequence),
      type: codeOf(s.SegmentedPropertyTypeCodeSequence),
    };
  });
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
