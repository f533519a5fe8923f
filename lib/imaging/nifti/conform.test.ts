import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Volume } from '../volume';
import { conformGrid, conformVolume, orientationOfAffine, resampleToGrid } from './conform';
import { applyAffine } from './mat4';
import { readNifti } from './read-nifti';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/nifti/${p}`, import.meta.url)));
const BRAIN = { dims: [256, 256, 256] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], orientation: 'LIA' };

function dice(a: Volume['data'], b: Volume['data'], label: number): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === label;
    const y = b[i] === label;
    if (x) na++;
    if (y) nb++;
    if (x && y) inter++;
  }
  return (2 * inter) / (na + nb);
}

describe('conformVolume', () => {
  it('returns an already conformed 256³ LIA volume unchanged', () => {
    const t1 = readNifti(fixture('brainchop-t1/t1_crop.nii.gz'));
    expect(orientationOfAffine(t1.affine)).toBe('LIA');
    const out = conformVolume(t1, BRAIN, 'linear');
    expect(out.affine).toEqual(t1.affine);
    expect(out.data.constructor.name).toBe('Uint8Array');
    expect(Buffer.from(out.data.buffer).equals(Buffer.from(t1.data.buffer))).toBe(true);
    expect(out.data === t1.data).toBe(false);
  });

  it('keeps the volume centre fixed and makes an axis-aligned LIA grid', () => {
    const flair = readNifti(fixture('niivue-flair-lesion/FLAIR.nii.gz'));
    const grid = conformGrid(flair, BRAIN);
    expect(orientationOfAffine(grid.affine)).toBe('LIA');
    const c0 = applyAffine(flair.affine, [62, 80, 70]);
    const c1 = applyAffine(grid.affine, [128, 128, 128]);
    for (let d = 0; d < 3; d++) expect(c1[d]).toBeCloseTo(c0[d], 6);
  });

  it('conforms 124x160x140 to 256³ trilinear without overshooting the intensity range', () => {
    const flair = readNifti(fixture('niivue-flair-lesion/FLAIR.nii.gz'));
    const out = conformVolume(flair, BRAIN, 'linear');
    expect(out.dims).toEqual([256, 256, 256]);
    expect(out.data.constructor.name).toBe('Float32Array');
    // Intensities are preserved in range (interpolation never overshoots).
    let max = 0;
    for (const v of out.data) if (v > max) max = v;
    expect(max).toBeLessThanOrEqual(255);
    expect(max).toBeGreaterThan(200);
  });

  it('lesion labels survive conform + map back to the source grid (Dice > 0.9 per label)', () => {
    const lesion = readNifti(fixture('niivue-flair-lesion/lesion.nii.gz'));
    const conformed = conformVolume(lesion, BRAIN, 'nearest');
    expect(conformed.data.constructor.name).toBe('Uint8Array');
    const back = resampleToGrid(conformed, { dims: lesion.dims, affine: lesion.affine }, 'nearest');
    expect(back.dims).toEqual(lesion.dims);
    expect(back.affine).toEqual(lesion.affine);
    for (const label of [1, 2, 3]) expect(dice(lesion.data, back.data, label)).toBeGreaterThan(0.9);
  });
});

describe('resampleToGrid', () => {
  it('reorients exactly (flip + permutation) without changing any value', () => {
    const vol = readNifti(fixture('monai/anatomical.nii'));
    const [nx, ny, nz] = vol.dims;
    // RAS grid over the same voxels: x flipped (source is L-ward), axes kept.
    const grid = {
      dims: [nx, ny, nz] as [number, number, number],
      affine: [
        [2, 0, 0, vol.affine[0][3] - 2 * (nx - 1)],
        [0, 2, 0, vol.affine[1][3]],
        [0, 0, 2, vol.affine[2][3]],
        [0, 0, 0, 1],
      ] as Volume['affine'],
    };
    for (const interp of ['nearest', 'linear'] as const) {
      const out = resampleToGrid(vol, grid, interp);
      for (const [i, j, k] of [
        [0, 0, 0],
        [5, 7, 9],
        [32, 40, 24],
        [17, 20, 12],
      ]) {
        expect(out.data[i + nx * (j + ny * k)]).toBe(vol.data[nx - 1 - i + nx * (j + ny * k)]);
      }
    }
  });
});
