import { afterAll, describe, expect, it } from 'vitest';
import type { Mat4, Volume } from '@/lib/imaging/volume';
import type { TModelSpec } from '@/lib/models/model-spec';
import { dirModelSource } from './model-source';
import { loadModel, releaseModels } from './load-model';
import { segmentVolume } from './segment-volume';
import { blendWeights1d, patchStarts } from './sliding-window';
import { BRAIN_TISSUE_DIR, dicePerLabel, readT1 } from './testing/fixtures';

/** A cube of t1_crop starting at voxel (o, o, o), with the affine moved so world positions stay. */
function cropCube(v: Volume, o: number, n: number): Volume<Uint8Array> {
  const [nx, ny] = v.dims;
  const out = new Uint8Array(n * n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) out[i + n * (j + n * k)] = v.data[o + i + nx * (o + j + ny * (o + k))];
  const a = v.affine;
  const affine = a.map((r, ri) => (ri < 3 ? [r[0], r[1], r[2], r[3] + (r[0] + r[1] + r[2]) * o] : [...r])) as Mat4;
  return { dims: [n, n, n], spacing: [...v.spacing], affine, data: out };
}

describe('patch geometry', () => {
  it('steps by patch*(1-overlap) and puts the last patch flush with the edge', () => {
    expect(patchStarts(256, 128, 0.5)).toEqual([0, 64, 128]);
    expect(patchStarts(160, 128, 0.5)).toEqual([0, 32]);
    expect(patchStarts(100, 128, 0.5)).toEqual([0]);
    expect(patchStarts(200, 64, 0.25)).toEqual([0, 48, 96, 136]);
  });

  it('weights peak in the middle, stay positive at the edges and are symmetric', () => {
    for (const blending of ['gaussian', 'linear'] as const) {
      const w = blendWeights1d(128, blending);
      expect(w[63]).toBeCloseTo(w[64], 6);
      expect(w[0]).toBeGreaterThan(0);
      expect(w[0]).toBeLessThan(w[32]);
      expect(w[32]).toBeLessThan(w[63]);
    }
    expect([...blendWeights1d(8, 'constant')]).toEqual(new Array(8).fill(1));
  });
});

describe('sliding-window inference with the real model', () => {
  afterAll(releaseModels);
  const t1 = readT1();

  it('with one patch covering the whole cube it equals whole-volume inference exactly', async () => {
    const cube = cropCube(t1, 104, 48);
    const model = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: null, threads: 2 });
    const grid = { ...model.spec.grid, dims: [48, 48, 48] as [number, number, number] };
    const whole = await segmentVolume({ volume: cube, model, spec: { ...model.spec, grid } });
    const spec: TModelSpec = { ...model.spec, grid, inference: { mode: 'sliding-window', patch: [48, 48, 48], overlap: 0.5, blending: 'gaussian' } };
    const patched = await segmentVolume({ volume: cube, model, spec });
    expect(patched.timings.patches).toBe(1);
    expect(Buffer.from(patched.labelmap.data).equals(Buffer.from(whole.labelmap.data))).toBe(true);
    expect(whole.labelVolumesMl['Grey Matter']).toBeGreaterThan(0);
  });

  it('128³ patches with 50% overlap and Gaussian blending agree with whole-volume inference (Dice >= 0.98)', async () => {
    // a 160³ cube of the brain keeps this cheap: 8 patches of 128³ ≈ one 256³ run
    const cube = cropCube(t1, 48, 160);
    const model = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: null, threads: 2 });
    const grid = { ...model.spec.grid, dims: [160, 160, 160] as [number, number, number] };
    const whole = await segmentVolume({ volume: cube, model, spec: { ...model.spec, grid } });
    const spec: TModelSpec = { ...model.spec, grid, inference: { mode: 'sliding-window', patch: [128, 128, 128], overlap: 0.5, blending: 'gaussian' } };
    const patched = await segmentVolume({ volume: cube, model, spec });
    expect(patched.timings.patches).toBe(8);
    expect(patched.labelmap.affine).toEqual(cube.affine);
    const dice = dicePerLabel(patched.labelmap.data, whole.labelmap.data, [1, 2]);
    console.info('sliding window vs whole, Dice', dice, whole.labelVolumesMl);
    expect(whole.labelVolumesMl['White Matter']).toBeGreaterThan(200);
    expect(dice[1]).toBeGreaterThanOrEqual(0.98);
    expect(dice[2]).toBeGreaterThanOrEqual(0.98);
  }, 300_000);
});
