import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Mat4, Volume } from '../volume';
import { readNifti } from './read-nifti';
import { readNiftiHeader } from './read-nifti-header';
import { writeNifti } from './write-nifti';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/nifti/${p}`, import.meta.url)));

function expectSameVolume(a: Volume, b: Volume) {
  expect(b.dims).toEqual(a.dims);
  expect(b.data.constructor).toBe(a.data.constructor);
  expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(b.affine[r][c]).toBeCloseTo(a.affine[r][c], 4);
}

describe('writeNifti', () => {
  it('round-trips a big-endian int16 file through little-endian .nii.gz', () => {
    const vol = readNifti(fixture('monai/anatomical.nii'));
    expectSameVolume(vol, readNifti(writeNifti(vol, { gzip: true })));
  });

  it('round-trips an oblique uint8 volume, and the qform alone gives the same affine', () => {
    const vol = readNifti(fixture('niivue-flair-lesion/FLAIR.nii.gz'));
    const bytes = writeNifti(vol);
    expectSameVolume(vol, readNifti(bytes));
    const noSform = bytes.slice();
    new DataView(noSform.buffer).setInt16(254, 0, true);
    const viaQform = readNifti(noSform);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(viaQform.affine[r][c]).toBeCloseTo(vol.affine[r][c], 3);
  });

  it('round-trips every supported datatype and keeps label intent', () => {
    const affine: Mat4 = [
      [0, 0, -1.5, 10],
      [-1, 0, 0, 20],
      [0, -2, 0, 30],
      [0, 0, 0, 1],
    ];
    const arrays = [Uint8Array, Int8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
    for (const Ctor of arrays) {
      const data = new Ctor(2 * 3 * 4).map((_, i) => i * 3 - (Ctor === Int8Array || Ctor === Int16Array ? 20 : 0));
      const vol: Volume = { dims: [2, 3, 4], spacing: [1, 2, 1.5], affine, data };
      const bytes = writeNifti(vol, { intent: 'label', gzip: true });
      expectSameVolume(vol, readNifti(bytes));
      expect(readNiftiHeader(bytes).intentCode).toBe(1002);
    }
  });

  it('is deterministic: the same volume gives byte-identical .nii.gz', () => {
    const vol = readNifti(fixture('monai/anatomical_label.nii.gz'));
    const a = writeNifti(vol, { gzip: true, description: 'labels' });
    const b = writeNifti({ ...vol, data: vol.data.slice() }, { gzip: true, description: 'labels' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(readNiftiHeader(a).description).toBe('labels');
  });
});
