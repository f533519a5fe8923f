import { describe, expect, it } from 'vitest';
import { readNiftiWithHeader } from '@/lib/imaging/nifti/read-nifti';
import type { Mat4 } from '@/lib/imaging/volume';
import type { SegmentResult } from './segment-volume';
import { writeSegmentationOutputs } from './write-outputs';
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

describe('writeSegmentationOutputs', () => {
  it('writes the NIfTI labelmap and volumes to deterministic derived/ keys, byte-identical on retry', async () => {
    const runs: Map<string, Uint8Array>[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const store = new Map<string, Uint8Array>();
      const written = await writeSegmentationOutputs({ result: result(), projectId: 'p1', studyId: 's1', runId: 'r1', put: async (k, b) => void store.set(k, b) });
      expect(written.segSkipped).toMatch(/NIfTI/);
      expect(written.objects.map((o) => o.key)).toEqual([
        'derived/p1/s1/runs/r1/infer/brain-tissue/1.0.0/mask.nii.gz',
        'derived/p1/s1/runs/r1/infer/brain-tissue/1.0.0/volumes.json',
      ]);
      runs.push(store);
    }
    for (const [key, bytes] of runs[0]) expect(Buffer.from(runs[1].get(key)!).equals(Buffer.from(bytes)), key).toBe(true);

    const mask = runs[0].get('derived/p1/s1/runs/r1/infer/brain-tissue/1.0.0/mask.nii.gz')!;
    const { header, volume } = readNiftiWithHeader(mask, 'mask.nii.gz');
    expect(header.intentCode).toBe(1002);
    expect(volume.dims).toEqual([8, 6, 4]);
    expect(Array.from(volume.data)).toEqual(Array.from(result().labelmap.data));
    const volumes = JSON.parse(new TextDecoder().decode(runs[0].get('derived/p1/s1/runs/r1/infer/brain-tissue/1.0.0/volumes.json')));
    // 64 voxels of each label, 8 mm³ each
    expect(volumes.labels[1]).toMatchObject({ name: 'White Matter', ml: 0.512 });
  });
});
