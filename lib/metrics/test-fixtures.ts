/** Small synthetic labelmaps and brute-force references for the metrics tests. */
import type { Mat4, Volume } from '@/lib/imaging/volume';
import type { Vec3 } from './squared-distance-transform';

export function diagonalAffine(spacing: Vec3, origin: Vec3 = [0, 0, 0]): Mat4 {
  return [
    [spacing[0], 0, 0, origin[0]],
    [0, spacing[1], 0, origin[1]],
    [0, 0, spacing[2], origin[2]],
    [0, 0, 0, 1],
  ];
}

/** A labelmap on a diagonal grid whose voxel (x, y, z) holds labelAt(x, y, z). */
export function makeLabelmap(dims: Vec3, spacing: Vec3, labelAt: (x: number, y: number, z: number) => number): Volume<Uint8Array> {
  const [nx, ny, nz] = dims;
  const data = new Uint8Array(nx * ny * nz);
  let i = 0;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[i++] = labelAt(x, y, z);
  return { dims: [...dims], spacing: [...spacing], affine: diagonalAffine(spacing), data };
}

/** Label `value` inside the ball of radius r mm about centre c mm (voxel centres at index × spacing). */
export function ball(dims: Vec3, spacing: Vec3, c: Vec3, r: number, value = 1): Volume<Uint8Array> {
  return makeLabelmap(dims, spacing, (x, y, z) => (Math.hypot(x * spacing[0] - c[0], y * spacing[1] - c[1], z * spacing[2] - c[2]) <= r ? value : 0));
}

/** Surface voxels by definition: in the label, with a 6-neighbour outside it or outside the volume. */
export function surfacePoints(v: Volume<Uint8Array>, value: number): Vec3[] {
  const [nx, ny, nz] = v.dims;
  const at = (x: number, y: number, z: number) => (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz ? v.data[x + nx * (y + ny * z)] : -1);
  const out: Vec3[] = [];
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        if (at(x, y, z) !== value) continue;
        const steps: Vec3[] = [
          [1, 0, 0],
          [-1, 0, 0],
          [0, 1, 0],
          [0, -1, 0],
          [0, 0, 1],
          [0, 0, -1],
        ];
        if (steps.some(([dx, dy, dz]) => at(x + dx, y + dy, z + dz) !== value)) out.push([x, y, z]);
      }
  return out;
}

/** O(|A|·|B|) directed distances in mm from each point of A to the nearest point of B. */
export function bruteDirectedDistances(a: Vec3[], b: Vec3[], spacing: Vec3): number[] {
  return a.map(([x, y, z]) => {
    let best = Infinity;
    for (const [u, v, w] of b) best = Math.min(best, Math.hypot((x - u) * spacing[0], (y - v) * spacing[1], (z - w) * spacing[2]));
    return best;
  });
}

/** numpy.percentile(values, p), method 'linear', written the textbook way: (n−1)p/100 and interpolation. */
export function numpyPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((u, v) => u - v);
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
