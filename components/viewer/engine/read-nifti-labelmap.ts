import { ViewerLoadError } from './fetch-nifti';

/** NIfTI-1 datatype codes a labelmap may be stored in, and how to read them. */
const READERS: Record<number, { bytes: number; read(v: DataView, at: number, le: boolean): number }> = {
  2: { bytes: 1, read: (v, at) => v.getUint8(at) },
  256: { bytes: 1, read: (v, at) => v.getInt8(at) },
  4: { bytes: 2, read: (v, at, le) => v.getInt16(at, le) },
  512: { bytes: 2, read: (v, at, le) => v.getUint16(at, le) },
  8: { bytes: 4, read: (v, at, le) => v.getInt32(at, le) },
  16: { bytes: 4, read: (v, at, le) => v.getFloat32(at, le) },
};

/**
 * The voxels of a NIfTI-1 labelmap (uncompressed), in file order (i fastest, then j, then k: the
 * order @cornerstonejs/nifti-volume-loader lays a volume's slices out in), as label values 0..255.
 * Read directly rather than through the image loader: a mask is one typed array, and decoding it
 * slice by slice as an image volume took most of the time before the first overlay. Hand-written
 * (a few header fields) because nifti-reader-js is only a transitive dependency here.
 */
export async function readNiftiLabelmap(blob: Blob, what: string): Promise<{ dimensions: [number, number, number]; voxels: Uint8Array }> {
  const buf = await blob.arrayBuffer();
  const v = new DataView(buf);
  const le = v.getInt32(0, true) === 348;
  if (!le && v.getInt32(0, false) !== 348) throw new ViewerLoadError(`the ${what} is not a NIfTI-1 file (its header size is not 348)`);
  const dims: [number, number, number] = [v.getInt16(42, le), v.getInt16(44, le), v.getInt16(46, le)];
  const ndim = v.getInt16(40, le);
  if (ndim < 3 || dims.some((d) => d < 1)) throw new ViewerLoadError(`the ${what} has no 3-D voxel grid (dim = ${ndim}, ${dims.join('×')})`);
  const datatype = v.getInt16(70, le);
  const reader = READERS[datatype];
  if (!reader) throw new ViewerLoadError(`the ${what} stores its voxels as NIfTI datatype ${datatype}, not as integer labels`);
  const offset = Math.round(v.getFloat32(108, le));
  const slope = v.getFloat32(112, le);
  const inter = v.getFloat32(116, le);
  const scale = Number.isFinite(slope) && slope !== 0 ? slope : 1;
  const shift = Number.isFinite(inter) ? inter : 0;
  const n = dims[0] * dims[1] * dims[2];
  if (offset + n * reader.bytes > buf.byteLength)
    throw new ViewerLoadError(`the ${what} is cut short: ${dims.join('×')} voxels need ${offset + n * reader.bytes} bytes, the file has ${buf.byteLength}`);
  let voxels: Uint8Array;
  if (datatype === 2 && scale === 1 && shift === 0) voxels = new Uint8Array(buf, offset, n).slice();
  else {
    voxels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = Math.round(reader.read(v, offset + i * reader.bytes, le) * scale + shift);
      voxels[i] = x < 0 ? 0 : x > 255 ? 255 : x;
    }
  }
  return { dimensions: dims, voxels };
}
