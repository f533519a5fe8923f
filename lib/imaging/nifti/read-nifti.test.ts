import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { readNifti } from './read-nifti';
import { readNiftiHeader } from './read-nifti-header';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/nifti/${p}`, import.meta.url)));

describe('readNifti', () => {
  it('reads big-endian int16 (monai anatomical.nii) with a smooth image, not byte-swapped noise', () => {
    const vol = readNifti(fixture('monai/anatomical.nii'), 'anatomical.nii');
    expect(vol.dims).toEqual([33, 41, 25]);
    expect(vol.data).toBeInstanceOf(Int16Array);
    expect(vol.spacing).toEqual([2, 2, 2]);
    expect(vol.affine[0]).toEqual([-2, 0, 0, 32]);
    expect(vol.affine[1]).toEqual([0, 2, 0, -40]);
    // Wrongly swapped int16 makes neighbouring voxels jump by thousands; the true image is smooth.
    const row = 16 * 33 * 41 + 20 * 33;
    expect(Array.from(vol.data.subarray(row, row + 3))).toEqual([9649, 10181, 10384]);
    let diff = 0;
    for (let i = row; i < row + 32; i++) diff += Math.abs(vol.data[i + 1] - vol.data[i]);
    expect(diff / 32).toBeLessThan(1500);
  });

  it('reads .nii.gz label volumes on the same grid', () => {
    const label = readNifti(fixture('monai/anatomical_label.nii.gz'));
    expect(label.dims).toEqual([33, 41, 25]);
    expect(Array.from(label.data).filter((v) => v === 1)).toHaveLength(330);
  });

  it('reads a 256³ uint8 LIA volume with sform', () => {
    const vol = readNifti(fixture('brainchop-t1/t1_crop.nii.gz'));
    expect(vol.dims).toEqual([256, 256, 256]);
    expect(vol.data).toBeInstanceOf(Uint8Array);
    expect(vol.affine[0][0]).toBe(-1);
    expect(vol.affine[1][2]).toBe(1);
    expect(vol.affine[2][1]).toBe(-1);
  });

  it('applies scl_slope/scl_inter into a Float32Array', () => {
    const raw = fixture('monai/anatomical.nii').slice();
    const view = new DataView(raw.buffer);
    view.setFloat32(112, 0.5, false);
    view.setFloat32(116, 10, false);
    const plain = readNifti(fixture('monai/anatomical.nii'));
    const scaled = readNifti(raw);
    expect(scaled.data).toBeInstanceOf(Float32Array);
    expect(scaled.data[1000]).toBeCloseTo(plain.data[1000] * 0.5 + 10, 3);
  });

  it('falls back to the qform when sform_code is 0', () => {
    const raw = fixture('monai/anatomical.nii').slice();
    const view = new DataView(raw.buffer);
    view.setInt16(254, 0, false);
    for (let o = 280; o < 328; o += 4) view.setFloat32(o, 99, false); // garbage sform must be ignored
    const vol = readNifti(raw);
    expect(vol.affine[0][0]).toBeCloseTo(-2, 5);
    expect(vol.affine[1][1]).toBeCloseTo(2, 5);
    expect(vol.affine[0][3]).toBeCloseTo(32, 4);
  });

  it('refuses a degenerate sform (axes of zero length, or two along one line) naming the file', () => {
    const raw = fixture('monai/anatomical.nii').slice();
    const view = new DataView(raw.buffer);
    // every voxel axis along x: a sform that places all voxels on one line (a wrong srow offset)
    for (let o = 280; o < 328; o += 4) view.setFloat32(o, 0, false);
    for (const o of [280, 296, 312]) view.setFloat32(o, 1, false);
    expect(() => readNifti(raw, 'flat.nii')).toThrow('flat.nii: its sform is degenerate: the voxel axes (1.73 × 0 × 0 mm) span no volume');
    // two axes along one line
    for (let o = 280; o < 328; o += 4) view.setFloat32(o, 0, false);
    for (const o of [280, 284, 320]) view.setFloat32(o, 2, false); // i and j both along x, k along z
    expect(() => readNifti(raw, 'collinear.nii')).toThrow(/collinear\.nii: its sform is degenerate/);
    expect(readNifti(fixture('monai/anatomical.nii')).spacing.every((s) => s > 0)).toBe(true);
  });

  it('rejects truncated and non-NIfTI input with a message naming the file', () => {
    const raw = fixture('monai/anatomical.nii');
    expect(() => readNifti(raw.subarray(0, 2000), 'cut.nii')).toThrow(/cut\.nii: truncated/);
    expect(() => readNifti(new Uint8Array(400), 'zeros.nii')).toThrow(/zeros\.nii: not a NIfTI-1/);
    const gz = gzipSync(raw).subarray(0, 500);
    try {
      readNifti(gz, 'cut.nii.gz');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('malformed_file');
    }
  });

  it('refuses volumes over 2 GiB before allocating', () => {
    const raw = fixture('monai/anatomical.nii').slice(0, 352);
    const view = new DataView(raw.buffer);
    [2048, 2048, 2048].forEach((n, d) => {
      view.setInt16(42 + 2 * d, n, false);
    });
    expect(() => readNiftiHeader(raw, 'huge.nii')).toThrow(/huge\.nii: volume of .* exceeds/);
  });
});

describe('readNiftiHeader', () => {
  it('reads dims, datatype and affine of a .nii.gz without inflating the voxels', () => {
    const gz = fixture('niivue-flair-lesion/FLAIR.nii.gz');
    // Only the first chunk of the stream is given: enough for the header, not for the voxels.
    const h = readNiftiHeader(gz.subarray(0, 8192), 'FLAIR.nii.gz');
    expect(h.dims).toEqual([124, 160, 140]);
    expect(h.datatype).toBe('uint8');
    expect(h.sformCode).toBe(2);
    expect(h.affine[0][3]).toBeCloseTo(-64.8982, 3);
    expect(h.description).toBe('spm - realigned');
  });
});
