import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seriesToVolume } from '@/lib/imaging/dicom/series-to-volume';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import { readSeg } from '@/lib/imaging/seg/read-seg';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CT = join(ROOT, 'fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/ct');
const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/segflow.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('segflow seg', () => {
  it('writes a SEG from a NIfTI labelmap on the reference grid; bad labels JSON fails in one line', async () => {
    const files = readdirSync(CT).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(CT, name))) }));
    const ct = await seriesToVolume(files);
    const data = new Uint8Array(ct.data.length);
    for (let i = 0; i < 5000; i++) data[512 * 512 + 100_000 + i] = 2;
    const dir = mkdtempSync(join(tmpdir(), 'segflow-seg-cli-'));
    writeFileSync(join(dir, 'labels.nii.gz'), writeNifti({ ...ct, data }, { gzip: true, intent: 'label' }));
    writeFileSync(join(dir, 'labels.json'), JSON.stringify([{ value: 2, name: 'Lesion', color: [255, 0, 0] }]));
    const res = run('seg', join(dir, 'labels.nii.gz'), '--ref', CT, '--labels', join(dir, 'labels.json'), '--out', join(dir, 'seg.dcm'));
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const back = readSeg(new Uint8Array(readFileSync(join(dir, 'seg.dcm'))), files);
    expect(back.segments.map((s) => s.label)).toEqual(['Lesion']);
    expect(Array.from(back.labelmap.data).filter((v) => v !== 0)).toHaveLength(5000);

    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ value: 2, name: 'Lesion', color: [255, 0] }]));
    const bad = run('seg', join(dir, 'labels.nii.gz'), '--ref', CT, '--labels', join(dir, 'bad.json'), '--out', join(dir, 'x.dcm'));
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^segflow: .*bad\.json: 0\.color/);
  });
});
