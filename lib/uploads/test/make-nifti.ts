import { randomBytes } from 'node:crypto';

/**
 * A valid uncompressed NIfTI-1 volume of int16 voxels (random content, so no two are alike), for
 * tests and the bench that need large files: 256×256×80 is 10 MiB, ×320 is 40 MiB.
 */
export function makeNifti(dims: [number, number, number]): Uint8Array {
  const voxOffset = 352;
  const bytes = new Uint8Array(voxOffset + dims[0] * dims[1] * dims[2] * 2);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, 348, true); // sizeof_hdr
  v.setInt16(40, 3, true); // dim[0]
  dims.forEach((d, i) => {
    v.setInt16(42 + 2 * i, d, true);
  });
  for (let i = 3; i < 7; i++) v.setInt16(42 + 2 * (i + 1), 1, true);
  v.setInt16(70, 4, true); // datatype INT16
  v.setInt16(72, 16, true); // bitpix
  v.setFloat32(76, 1, true); // pixdim[0] (qfac)
  for (let i = 1; i <= 3; i++) v.setFloat32(76 + 4 * i, 1, true);
  v.setFloat32(108, voxOffset, true);
  v.setFloat32(112, 1, true); // scl_slope
  v.setInt16(252, 0, true); // qform_code
  v.setInt16(254, 1, true); // sform_code
  v.setFloat32(280, 1, true); // srow_x[0]
  v.setFloat32(300, 1, true); // srow_y[1]
  v.setFloat32(320, 1, true); // srow_z[2]
  bytes.set(new TextEncoder().encode('n+1\0'), 344);
  bytes.set(randomBytes(Math.min(1 << 20, bytes.length - voxOffset)), voxOffset);
  // a random stamp spread through the volume keeps every generated file distinct
  for (let off = voxOffset; off < bytes.length; off += 1 << 20) bytes.set(randomBytes(16), off);
  return bytes;
}
