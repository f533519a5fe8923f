import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mat4, Volume } from '@/lib/imaging/volume';
import { multiplyMat4 } from '@/lib/imaging/nifti/mat4';
import { orientationOfAffine } from '@/lib/imaging/nifti/conform';
import { dirModelSource } from './model-source';
import { loadModel, releaseModels } from './load-model';
import { segmentVolume } from './segment-volume';
import { BRAIN_TISSUE_DIR, BRAIN_TISSUE_SHA256, dicePerLabel, readT1 } from './testing/fixtures';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** t1_crop (LIA) rewritten as RAS: same world, voxels permuted; new index (i,j,k) = old (255-i, 255-k, j). */
function toRas(v: Volume): Volume<Uint8Array> {
  const n = v.dims[0];
  const src = v.data as Uint8Array;
  const out = new Uint8Array(src.length);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) out[i + n * (j + n * k)] = src[n - 1 - i + n * (n - 1 - k + n * j)];
  const p: Mat4 = [
    [-1, 0, 0, n - 1],
    [0, 0, -1, n - 1],
    [0, 1, 0, 0],
    [0, 0, 0, 1],
  ];
  return { dims: [n, n, n], spacing: [...v.spacing], affine: multiplyMat4(v.affine, p), data: out };
}

describe('segmentVolume on t1_crop with brain-tissue (real model, CPU)', () => {
  afterAll(releaseModels);
  const t1 = readT1();
  let first: Awaited<ReturnType<typeof segmentVolume>>;

  it('segments t1_crop into plausible white and grey matter volumes on the input grid', async () => {
    const model = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: BRAIN_TISSUE_SHA256, threads: 2 });
    expect(model.provider).toBe('cpu');
    first = await segmentVolume({ volume: t1, model });
    expect(first.labelmap.dims).toEqual(t1.dims);
    expect(first.labelmap.affine).toEqual(t1.affine);
    expect(first.labelmap.data).toBeInstanceOf(Uint8Array);
    expect(first.timings.conformMs).toBeLessThan(5); // already on the model grid: no resampling
    // adult brain: WM ~400-600 ml, GM ~500-800 ml
    expect(first.labelVolumesMl['White Matter']).toBeGreaterThan(300);
    expect(first.labelVolumesMl['White Matter']).toBeLessThan(800);
    expect(first.labelVolumesMl['Grey Matter']).toBeGreaterThan(400);
    expect(first.labelVolumesMl['Grey Matter']).toBeLessThan(1000);
    expect(first.model.sha256).toBe(BRAIN_TISSUE_SHA256);
  });

  it('is deterministic: a second run gives a byte-identical labelmap', async () => {
    const model = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: BRAIN_TISSUE_SHA256, threads: 2 });
    const second = await segmentVolume({ volume: t1, model });
    expect(sha(second.labelmap.data)).toBe(sha(first.labelmap.data));
    expect(second.labelVolumesMl).toEqual(first.labelVolumesMl);
  });

  it('conforms a RAS input to the LIA model grid and returns the mask on the RAS grid', async () => {
    const ras = toRas(t1);
    expect(orientationOfAffine(ras.affine)).toBe('RAS');
    const model = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: BRAIN_TISSUE_SHA256, threads: 2 });
    const res = await segmentVolume({ volume: ras, model });
    expect(res.labelmap.dims).toEqual(ras.dims);
    expect(res.labelmap.affine).toEqual(ras.affine);
    expect(res.timings.conformMs).toBeGreaterThan(0);
    // a pure axis permutation lands exactly on the model grid: the same mask, permuted
    const expected = toRas({ ...first.labelmap, data: first.labelmap.data });
    const dice = dicePerLabel(res.labelmap.data, expected.data, [1, 2]);
    expect(dice[1]).toBeGreaterThan(0.999);
    expect(dice[2]).toBeGreaterThan(0.999);
  });

  it('rejects a model whose bytes do not match the registry hash', async () => {
    const wrong = 'ab'.repeat(32);
    await expect(loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: wrong, threads: 2 })).rejects.toMatchObject({
      code: 'checksum_mismatch',
      message: expect.stringContaining('model.onnx SHA-256'),
    });
  });
});
