import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const D2N = join(ROOT, 'fixtures/dicom/series/dicom2nifti');
const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/segflow.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('segflow convert', () => {
  it('converts a series to .nii.gz, and refuses a bad series with one line on stderr and exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-convert-'));
    const out = join(dir, 'vol.nii.gz');
    const ok = run('convert', join(D2N, 'generic/anatomical/001'), '--out', out);
    expect(ok.status).toBe(0);
    const vol = readNifti(new Uint8Array(readFileSync(out)));
    const gt = readNifti(new Uint8Array(readFileSync(join(D2N, 'generic/anatomical/001_ground_truth.nii.gz'))));
    expect(vol.dims).toEqual(gt.dims);
    expect(Buffer.from(vol.data.buffer).equals(Buffer.from(gt.data.buffer))).toBe(true);

    const badOut = join(dir, 'bad.nii.gz');
    const bad = run('convert', join(D2N, 'failing/sliceorientation/001'), '--out', badOut);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual(['segflow: series 001: mixed slice orientations (2 different ImageOrientationPatient values in one series)']);
    expect(existsSync(badOut)).toBe(false);
    expect(readdirSync(dir)).toEqual(['vol.nii.gz']); // no temp file left behind
  });
});
