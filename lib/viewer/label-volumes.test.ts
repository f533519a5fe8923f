import { describe, expect, it } from 'vitest';
import { labelVolumesMl } from './label-volumes';

describe('labelVolumesMl', () => {
  it('counts each label’s voxels times the voxel volume, in ml', () => {
    const voxels = new Uint8Array([0, 1, 1, 2, 2, 2, 3, 0]);
    // 2 × 1 × 5 mm voxels are 10 mm³ = 0.01 ml
    expect(labelVolumesMl(voxels, [2, 1, 5], [1, 2, 4])).toEqual({ 1: 0.02, 2: 0.03, 4: 0 });
  });
});
