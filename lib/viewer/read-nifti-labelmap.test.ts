import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readNiftiLabelmap } from '@/components/viewer/engine/read-nifti-labelmap';

function header(dims: number[], datatype: number, bitpix: number): Buffer {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  h.writeInt16LE(3, 40);
  for (const [i, d] of dims.entries()) h.writeInt16LE(d, 42 + 2 * i);
  h.writeInt16LE(datatype, 70);
  h.writeInt16LE(bitpix, 72);
  h.writeFloatLE(352, 108);
  h.writeFloatLE(1, 112);
  return h;
}

describe('readNiftiLabelmap', () => {
  it('reads uint8 and int16 labelmaps in file order', async () => {
    const u8 = Buffer.concat([header([2, 2, 2], 2, 8), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7])]);
    expect(await readNiftiLabelmap(new Blob([new Uint8Array(u8)]), 'mask')).toEqual({
      dimensions: [2, 2, 2],
      voxels: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
    });
    const data = Buffer.alloc(16);
    for (const [i, x] of [0, 1, 2, 300, -1, 5, 6, 7].entries()) data.writeInt16LE(x, 2 * i);
    const i16 = Buffer.concat([header([2, 2, 2], 4, 16), data]);
    expect((await readNiftiLabelmap(new Blob([new Uint8Array(i16)]), 'mask')).voxels).toEqual(Uint8Array.from([0, 1, 2, 255, 0, 5, 6, 7]));
  });

  it('reads the MONAI label fixture with the labels it holds', async () => {
    const raw = gunzipSync(readFileSync(join(process.cwd(), 'fixtures/nifti/monai/anatomical_label.nii.gz')));
    const { dimensions, voxels } = await readNiftiLabelmap(new Blob([new Uint8Array(raw)]), 'mask');
    expect(voxels.length).toBe(dimensions[0] * dimensions[1] * dimensions[2]);
    expect(new Set(voxels).size).toBeGreaterThan(1);
  });

  it('names the problem with a file that is not a labelmap', async () => {
    await expect(readNiftiLabelmap(new Blob([new Uint8Array(400)]), 'mask "Live"')).rejects.toThrow(/mask "Live" is not a NIfTI-1 file/);
    const short = Buffer.concat([header([4, 4, 4], 2, 8), Buffer.alloc(10)]);
    await expect(readNiftiLabelmap(new Blob([new Uint8Array(short)]), 'mask')).rejects.toThrow(/cut short: 4×4×4 voxels need 416 bytes, the file has 362/);
    const rgb = header([2, 2, 2], 128, 24);
    await expect(readNiftiLabelmap(new Blob([new Uint8Array(rgb)]), 'mask')).rejects.toThrow(/datatype 128, not as integer labels/);
  });
});
