/**
 * A DICOM Segmentation (BINARY) as a labelmap on the grid of the series the viewer loaded: one
 * slice per source instance, in the viewer's own slice order (Cornerstone sorts the instances
 * itself), pixels row by row as in the instances. Written by hand with dcmjs, for the browser:
 * @cornerstonejs/adapters has no release for Cornerstone 5.0.x, and lib/imaging/seg/read-seg.ts
 * needs the source files (Node) where the viewer only has the loaded images' metadata.
 *
 * Each frame is placed by the instance it references (DerivationImageSequence → SourceImageSequence),
 * else by its ImagePositionPatient along the slice normal; segment numbers become the label values
 * of the same name in the model's label table (the number itself where no name matches).
 */
import dcmjs from 'dcmjs';

export interface SegSourceSlice {
  sopInstanceUid: string;
  /** ImagePositionPatient of the instance (mm) */
  position: readonly number[];
}

export interface SegToLabelmapInput {
  bytes: ArrayBuffer;
  rows: number;
  columns: number;
  /** the series' instances in the viewer's slice order: labelmap slice k is slices[k] */
  slices: SegSourceSlice[];
  /** the label table the labelmap's values come from */
  labels: { value: number; name: string }[];
  /** names the SEG in messages */
  what?: string;
}

/** A problem with the SEG the reader can act on (the viewer shows it as it is). */
export class SegReadError extends Error {
  override name = 'ViewerLoadError';
}

type Item = Record<string, unknown>;
const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const seq = (v: unknown): Item[] => (Array.isArray(v) ? (v as Item[]) : v && typeof v === 'object' ? [v as Item] : []);
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : v === undefined || v === null ? [] : [Number(v)]);

interface DcmjsReadApi {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): { dict: Item; meta: Item } };
    DicomMetaDictionary: { naturalizeDataset(dict: Item): Item };
  };
}
const api = dcmjs as unknown as DcmjsReadApi;

export function segToLabelmap(p: SegToLabelmapInput): Uint8Array {
  const what = p.what ?? 'segmentation';
  const fail = (problem: string) => new SegReadError(`the ${what} ${problem}`);
  let ds: Item;
  try {
    ds = api.data.DicomMetaDictionary.naturalizeDataset(api.data.DicomMessage.readFile(p.bytes).dict);
  } catch (err) {
    throw fail(`is not a readable DICOM file (${err instanceof Error ? err.message : String(err)})`);
  }
  if (ds.SOPClassUID !== SEG_SOP_CLASS) throw fail(`is not a DICOM Segmentation (SOP Class ${String(ds.SOPClassUID ?? 'missing')})`);
  if (ds.SegmentationType !== 'BINARY') throw fail(`is a ${String(ds.SegmentationType)} segmentation; only BINARY is shown`);
  const rows = Number(ds.Rows);
  const columns = Number(ds.Columns);
  if (rows !== p.rows || columns !== p.columns) throw fail(`has ${columns}×${rows} frames but the series' images are ${p.columns}×${p.rows}`);
  const perFrame = rows * columns;
  const groups = seq(ds.PerFrameFunctionalGroupsSequence);
  const frames = Number(ds.NumberOfFrames ?? groups.length);
  if (groups.length !== frames) throw fail(`has ${groups.length} per-frame groups for ${frames} frames`);
  const pixelData = Array.isArray(ds.PixelData) ? (ds.PixelData[0] as ArrayBuffer | undefined) : (ds.PixelData as ArrayBuffer | undefined);
  const bits = pixelData ? new Uint8Array(pixelData) : undefined;
  if (!bits || bits.length * 8 < frames * perFrame) throw fail(`has pixel data shorter than ${frames} frames of ${columns}×${rows}`);

  const shared = seq(ds.SharedFunctionalGroupsSequence)[0] ?? {};
  const group = (f: number, name: string): Item | undefined => seq(groups[f][name])[0] ?? seq(shared[name])[0];
  const orientation = nums(group(0, 'PlaneOrientationSequence')?.ImageOrientationPatient);
  const normal = orientation.length === 6 ? cross(orientation.slice(0, 3), orientation.slice(3)) : null;

  const byUid = new Map(p.slices.map((s, k) => [s.sopInstanceUid, k]));
  const along = normal ? p.slices.map((s) => dot(s.position, normal)) : [];
  const gap = along.length > 1 ? Math.abs(along[1] - along[0]) : 1;
  const sliceOf = (f: number): number => {
    const ref = seq(seq(group(f, 'DerivationImageSequence')?.SourceImageSequence)[0])[0]?.ReferencedSOPInstanceUID;
    const k = ref === undefined ? undefined : byUid.get(String(ref));
    if (k !== undefined) return k;
    const pos = nums(group(f, 'PlanePositionSequence')?.ImagePositionPatient);
    if (normal && pos.length === 3) {
      const d = dot(pos, normal);
      const nearest = along.reduce((best, x, i) => (Math.abs(x - d) < Math.abs(along[best] - d) ? i : best), 0);
      if (Math.abs(along[nearest] - d) <= Math.max(1e-3, 0.1 * gap)) return nearest;
    }
    throw fail(`frame ${f + 1} lies on no image of the series`);
  };

  const labelOfSegment = segmentValues(ds, p.labels);
  const segmentOf = (f: number) => Number(group(f, 'SegmentIdentificationSequence')?.ReferencedSegmentNumber);
  const out = new Uint8Array(perFrame * p.slices.length);
  // overlapping segments: the higher segment number wins, as lib/imaging/seg/read-seg.ts decides
  const order = [...groups.keys()].sort((a, b) => segmentOf(a) - segmentOf(b));
  for (const f of order) {
    const segment = segmentOf(f);
    const value = labelOfSegment.get(segment);
    if (value === undefined) throw fail(`frame ${f + 1} names segment ${segment}, which it does not describe`);
    const base = sliceOf(f) * perFrame;
    const bitBase = f * perFrame;
    for (let i = 0; i < perFrame; i++) {
      const b = bitBase + i;
      if ((bits[b >> 3] >> (b & 7)) & 1) out[base + i] = value;
    }
  }
  return out;
}

/** segment number → label value: the model's label of the segment's name, else the number itself */
function segmentValues(ds: Item, labels: { value: number; name: string }[]): Map<number, number> {
  const byName = new Map(labels.map((l) => [l.name.trim().toLowerCase(), l.value]));
  const map = new Map<number, number>();
  for (const s of seq(ds.SegmentSequence)) {
    const n = Number(s.SegmentNumber);
    if (!Number.isInteger(n) || n < 1) continue;
    const named = byName.get(
      String(s.SegmentLabel ?? '')
        .trim()
        .toLowerCase(),
    );
    map.set(n, Math.min(255, named ?? n));
  }
  return map;
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
