import { describe, expect, it } from 'vitest';
import { readNiftiWithHeader } from '@/lib/imaging/nifti/read-nifti';
import type { Mat4 } from '@/lib/imaging/volume';
import type { SegmentResult } from './segment-volume';
import { outputFileName } from '@/lib/pipeline/steps';
import { stepOutputKey } from '@/lib/storage/keys';
import { encodeOutputs } from './write-outputs';
import { measureLabelVolumesMl } from './label-volumes';

const affine: Mat4 = [
  [-2, 0, 0, 10],
  [0, 0, 2, -5],
  [0, -2, 0, 7],
  [0, 0, 0, 1],
];

function result(): SegmentResult {
  const data = new Uint8Array(8 * 6 * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 3;
  const labels: SegmentResult['labels'] = [
    { value: 0, name: 'background', color: [0, 0, 0] },
    { value: 1, name: 'White Matter', color: [255, 255, 255] },
    { value: 2, name: 'Grey Matter', color: [205, 62, 78] },
  ];
  const labelmap = { dims: [8, 6, 4] as [number, number, number], spacing: [2, 2, 2] as [number, number, number], affine, data };
  return {
    labelmap,
    labelVolumesMl: measureLabelVolumesMl(labelmap, labels),
    timings: { conformMs: 0, scaleMs: 0, runMs: 0, argmaxMs: 0, resampleBackMs: 0, totalMs: 0 },
    provider: 'cpu',
    model: { name: 'brain-tissue', version: '1.0.0', sha256: 'x' },
    labels,
  };
}

describe('encodeOutputs', () => {
  it('encodes the NIfTI labelmap and volumes byte-identically on a retry (no SEG for NIfTI input)', () => {
    const [a, b] = [encodeOutputs(result()), encodeOutputs(result())];
    expect(a.segSkipped).toMatch(/NIfTI/);
    expect(a.seg).toBeUndefined();
    expect(Buffer.from(b.mask).equals(Buffer.from(a.mask))).toBe(true);
    expect(Buffer.from(b.volumes).equals(Buffer.from(a.volumes))).toBe(true);

    const { header, volume } = readNiftiWithHeader(a.mask, 'mask.nii.gz');
    expect(header.intentCode).toBe(1002);
    expect(volume.dims).toEqual([8, 6, 4]);
    expect(Array.from(volume.data)).toEqual(Array.from(result().labelmap.data));
    const volumes = JSON.parse(new TextDecoder().decode(a.volumes));
    // 64 voxels of each label, 8 mm³ each
    expect(volumes.labels[1]).toMatchObject({ name: 'White Matter', ml: 0.512 });
  });

  it('is written under the one step-output key layout: derived/<project>/<study>/runs/<run>/<task>/<name>', () => {
    expect(stepOutputKey({ projectId: 'p1', studyId: 's1', runId: 'r1', task: 'infer-serving', name: outputFileName('infer', 'mask') })).toBe(
      'derived/p1/s1/runs/r1/infer-serving/mask.nii.gz',
    );
    expect(outputFileName('deidentify', 'instance', 7)).toBe('00007.dcm');
    expect(() => stepOutputKey({ projectId: 'p1', studyId: 's1', runId: 'r1', task: '../x', name: 'm' })).toThrow(/invalid path/);
  });
});
