/**
 * The one in-memory volume type shared by NIfTI I/O, DICOM series conversion, conform/resample,
 * inference and DICOM SEG. Voxels are stored x-fastest (NIfTI / ITK order): index = x + nx*(y + ny*z).
 * `affine` maps voxel indices (i, j, k, 1) to RAS+ world millimetres (NIfTI convention), row-major 4x4.
 */
export type VoxelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export type Mat4 = [[number, number, number, number], [number, number, number, number], [number, number, number, number], [number, number, number, number]];

export interface Volume<T extends VoxelArray = VoxelArray> {
  dims: [number, number, number];
  /** voxel size in mm along i, j, k (the column norms of the affine's 3x3 part) */
  spacing: [number, number, number];
  affine: Mat4;
  data: T;
}
