/** Paths and small helpers shared by the inference tests (real model, real files). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import type { Volume } from '@/lib/imaging/volume';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const REPO_ROOT = root;
export const T1_PATH = `${root}fixtures/nifti/brainchop-t1/t1_crop.nii.gz`;
export const BRAIN_TISSUE_DIR = `${root}models/brain-tissue`;
export const BRAIN_TISSUE_SHA256 = '02850fb059badf0717d26f61048293b7422b2453fb48db8ae95d046059bfd90f';

export function readT1(): Volume {
  return readNifti(readFileSync(T1_PATH), 't1_crop.nii.gz');
}

/** Dice per label value (1 when a label is absent from both). */
export function dicePerLabel(a: Uint8Array, b: Uint8Array, labels: number[]): Record<number, number> {
  if (a.length !== b.length) throw new Error(`labelmaps differ in size: ${a.length} vs ${b.length}`);
  const inter = new Float64Array(256);
  const ca = new Float64Array(256);
  const cb = new Float64Array(256);
  for (let i = 0; i < a.length; i++) {
    ca[a[i]]++;
    cb[b[i]]++;
    if (a[i] === b[i]) inter[a[i]]++;
  }
  const out: Record<number, number> = {};
  for (const l of labels) out[l] = ca[l] + cb[l] === 0 ? 1 : (2 * inter[l]) / (ca[l] + cb[l]);
  return out;
}
