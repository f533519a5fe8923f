import { describe, expect, it } from 'vitest';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import type { Mat4, Volume } from '@/lib/imaging/volume';
import { niftiMaskVoxels } from './nifti-mask';

const AFFINE: Mat4 = [
  [-1, 0, 0, 10],
  [0, 1, 0, -5],
  [0, 0, 2, 3],
  [0, 0, 0, 1],
];

function nifti(dims: [number, number, number], data: Volume['data'], affine: Mat4 = AFFINE): Uint8Array {
  return writeNifti({ dims, spacing: [1, 1, 2], affine, data });
}

/** 2×2×3: frame k holds the value k + 1 in every voxel but the first, which holds 10·(k + 1) */
const frames = (k: number) => [10 * (k + 1), k + 1, k + 1, k + 1];
const mask = nifti([2, 2, 3], Uint8Array.from([0, 1, 2].flatMap(frames)));
const volumeHead = nifti([2, 2, 3], new Int16Array(12)).subarray(0, 352);
const ids = (order: number[]) => order.map((k) => `nifti:blob:http://x/abc?frame=${k}`);

describe('niftiMaskVoxels', () => {
  it('puts the file frame each volume slice was read from into that slice', () => {
    expect([...niftiMaskVoxels({ mask, volumeHead, volumeImageIds: ids([0, 1, 2]), what: 'mask "live"' })]).toEqual([0, 1, 2].flatMap(frames));
    // the loader sorted the frames the other way along the slice normal
    expect([...niftiMaskVoxels({ mask, volumeHead, volumeImageIds: ids([2, 1, 0]), what: 'mask "live"' })]).toEqual([2, 1, 0].flatMap(frames));
  });

  it('takes a 16-bit labelmap as 8-bit labels', () => {
    const wide = nifti([2, 2, 3], Int16Array.from([0, 1, 2].flatMap(frames)));
    expect([...niftiMaskVoxels({ mask: wide, volumeHead, volumeImageIds: ids([2, 1, 0]), what: 'mask "live"' })]).toEqual([2, 1, 0].flatMap(frames));
  });

  it('refuses a mask off the volume’s grid, naming it and what differs', () => {
    const smaller = nifti([2, 2, 2], new Uint8Array(8));
    expect(() => niftiMaskVoxels({ mask: smaller, volumeHead, volumeImageIds: ids([0, 1, 2]), what: 'mask "live"' })).toThrow(
      'mask "live" is 2×2×2 voxels but the volume is 2×2×3: it is not on the volume\'s grid',
    );
    const moved = nifti([2, 2, 3], new Uint8Array(12), [AFFINE[0], AFFINE[1], [0, 0, 2, 7], AFFINE[3]]);
    expect(() => niftiMaskVoxels({ mask: moved, volumeHead, volumeImageIds: ids([0, 1, 2]), what: 'mask "live"' })).toThrow(
      'mask "live" has the volume\'s size but not its position or spacing',
    );
  });

  it('says so when the mask is not a NIfTI file', () => {
    expect(() => niftiMaskVoxels({ mask: new Uint8Array(400), volumeHead, volumeImageIds: ids([0, 1, 2]), what: 'mask "live"' })).toThrow(/^mask "live"/);
  });
});
