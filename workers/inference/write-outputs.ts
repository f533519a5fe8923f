/**
 * Encodes a segmentation's outputs (NIfTI labelmap, DICOM SEG for DICOM input, label volumes) as
 * bytes; the infer step writes them as its declared outputs (lib/pipeline/steps.ts) to its task's
 * keys, and `segflow infer` to files. Same result → same bytes, so a retried step overwrites its
 * objects with identical ones.
 */
import { gzipSync } from 'node:zlib';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import { writeSeg } from '@/lib/imaging/seg/write-seg';
import type { SegmentResult } from './segment-volume';

export interface EncodedOutputs {
  mask: Uint8Array;
  /** present only for DICOM input */
  seg?: Uint8Array;
  /** why no SEG was written */
  segSkipped?: string;
  volumes: Uint8Array;
}

export function encodeOutputs(result: SegmentResult): EncodedOutputs {
  // Gzip with Node's native zlib, not writeNifti's pure-JS fflate: 3x faster on a 256³ labelmap
  // (~0.35 s vs ~1 s here), slightly smaller, and deterministic too (mtime 0, fixed level).
  const mask = gzipSync(writeNifti(result.labelmap, { intent: 'label', description: `${result.model.name}@${result.model.version}`.slice(0, 79) }), {
    level: 6,
  });
  const volumes = new TextEncoder().encode(
    `${JSON.stringify({ model: result.model, labels: result.labels.map((l) => ({ ...l, ml: result.labelVolumesMl[l.name] })) }, null, 2)}\n`,
  );
  if (!result.source) return { mask, volumes, segSkipped: 'input is NIfTI: no DICOM to reference' };
  const seg = writeSeg({
    labelmap: result.labelmap,
    source: result.source,
    labels: result.labels.filter((l) => l.value !== 0), // background is not a segment
    algorithmName: `${result.model.name} ${result.model.version}`,
  });
  return { mask, seg, volumes };
}
