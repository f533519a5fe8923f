/**
 * Encodes a segmentation's outputs (NIfTI labelmap, DICOM SEG for DICOM input, label volumes) and
 * writes them through a `put(key, bytes)` sink to deterministic keys under derived/:
 *   derived/<project>/<study>/runs/<run>/infer/<model>/<version>/{mask.nii.gz, seg.dcm, volumes.json}
 * Same result → same bytes → same keys, so a retried step overwrites with identical objects.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AppError } from '@/lib/errors';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import { writeSeg } from '@/lib/imaging/seg/write-seg';
import { derivedKey } from '@/lib/storage/keys';
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
  const mask = gzipSync(
    writeNifti(result.labelmap, { intent: 'label', description: `${result.model.name}@${result.model.version}`.slice(0, 79) }),
    { level: 6 },
  );
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

export interface WrittenObject {
  key: string;
  sha256: string;
  bytes: number;
}

export async function writeSegmentationOutputs(p: {
  result: SegmentResult;
  projectId: string;
  studyId: string;
  runId: string;
  put: (key: string, bytes: Uint8Array) => Promise<void>;
}): Promise<{ objects: WrittenObject[]; segSkipped?: string }> {
  const { result } = p;
  if (!result.model.name || !result.model.version) throw new AppError('invalid_input', 'result.model: name and version are required for output keys');
  const encoded = encodeOutputs(result);
  const base = ['runs', p.runId, 'infer', result.model.name, result.model.version];
  const entries: [string, Uint8Array | undefined][] = [
    ['mask.nii.gz', encoded.mask],
    ['seg.dcm', encoded.seg],
    ['volumes.json', encoded.volumes],
  ];
  const objects: WrittenObject[] = [];
  for (const [name, bytes] of entries) {
    if (!bytes) continue;
    const key = derivedKey({ projectId: p.projectId, studyId: p.studyId, path: [...base, name] });
    await p.put(key, bytes);
    objects.push({ key, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
  }
  return { objects, ...(encoded.segSkipped ? { segSkipped: encoded.segSkipped } : {}) };
}
