import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as modelVersionRoute from '@/app/api/models/[model]/versions/[version]/route';
import { closeDb, getDb } from '@/lib/db';
import { seedDemoModels } from '@/lib/platform/seed-demo-content';
import { createTestProject } from '@/test/test-project';
import { startRouteServer } from '@/test/route-server';
import { readNiftiWithHeader } from '@/lib/imaging/nifti/read-nifti';
import { BRAIN_TISSUE_DIR, readT1, REPO_ROOT, T1_PATH } from '@/workers/inference/testing/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'segflow-infer-'));
const segflow = (args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin/segflow.mjs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('segflow infer (child process)', () => {
  it('segments t1_crop into a labelmap on the input grid and prints timings JSON last', () => {
    const out = join(dir, 'mask.nii.gz');
    const res = segflow(['infer', '--model', BRAIN_TISSUE_DIR, '--input', T1_PATH, '--out', out, '--threads', '2']);
    expect(res.stderr).not.toContain('segflow:');
    expect(res.status).toBe(0);
    const last = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(last.provider).toBe('cpu');
    expect(last.model).toMatchObject({ name: 'brain-tissue', version: '1.0.0' });
    expect(last.timings.runMs).toBeGreaterThan(0);
    expect(last.timings.wallMs).toBeGreaterThanOrEqual(last.timings.runMs);
    expect(last.labelVolumesMl['White Matter']).toBeGreaterThan(300);

    const { header, volume } = readNiftiWithHeader(new Uint8Array(readFileSync(out)), 'mask.nii.gz');
    const t1 = readT1();
    expect(volume.dims).toEqual(t1.dims);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(volume.affine[r][c]).toBeCloseTo(t1.affine[r][c], 4);
    expect(header.intentCode).toBe(1002); // NIFTI_INTENT_LABEL
    const counts = [0, 0, 0, 0];
    for (const v of volume.data) counts[Math.min(v, 3)]++;
    expect(counts[3]).toBe(0);
    expect(counts[1] / 1000).toBeCloseTo(last.labelVolumesMl['White Matter'], 0);
  }, 240_000);
});

describe('segflow infer --model name@version (registry through the API)', () => {
  let server: Awaited<ReturnType<typeof startRouteServer>>;
  let token: string;
  beforeAll(async () => {
    await seedDemoModels(getDb(), REPO_ROOT);
    token = (await createTestProject(getDb())).users.researcher.token;
    server = await startRouteServer([['GET', /^\/api\/models\/([^/]+)\/versions\/([^/]+)$/, ['model', 'version'], modelVersionRoute.GET]]);
  });
  afterAll(async () => {
    await server.close();
    await closeDb();
  });

  // Asynchronous: the API the child process talks to is served from this process.
  const segflowAsync = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/segflow.mjs'), ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, SEGFLOW_URL: server.url, SEGFLOW_TOKEN: token },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('fetches the registered version, checks its SHA-256 and gives the same mask as the model directory', async () => {
    const out = join(dir, 'registry-mask.nii.gz');
    const res = await segflowAsync(['infer', '--model', 'brain-tissue@1.0.0', '--input', T1_PATH, '--out', out, '--threads', '2']);
    expect(res.stderr).not.toContain('segflow:');
    expect(res.status).toBe(0);
    const last = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(last.model).toMatchObject({ name: 'brain-tissue', version: '1.0.0' });
    expect(readFileSync(out).equals(readFileSync(join(dir, 'mask.nii.gz')))).toBe(true);
  }, 240_000);

  it('names an unregistered version in one line and exits 1', async () => {
    const res = await segflowAsync(['infer', '--model', 'brain-tissue@9.9.9', '--input', T1_PATH, '--out', join(dir, 'x.nii.gz')]);
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toMatch(/^segflow: --model brain-tissue@9\.9\.9: model brain-tissue@9\.9\.9 is not registered$/);
  });
});

describe('segflow infer on an oblique DICOM series (child process)', () => {
  const series = join(REPO_ROOT, 'fixtures/dicom/series/tcia-brain-tumor-progression-mr');

  it('conforms it to the model grid, returns the mask on the series grid and writes a DICOM SEG', async () => {
    // This T1 post-contrast series has enhancing outliers (max 2505, p99 1296) that squash the
    // brain under min-max scaling, so the model finds no tissue; the same model with a
    // percentile-clip spec does. That is a spec choice per model version, exercised here.
    const modelDir = join(dir, 'brain-tissue-pclip');
    mkdirSync(modelDir);
    copyFileSync(join(BRAIN_TISSUE_DIR, 'model.onnx'), join(modelDir, 'model.onnx'));
    const spec = JSON.parse(readFileSync(join(BRAIN_TISSUE_DIR, 'spec.json'), 'utf8'));
    writeFileSync(
      join(modelDir, 'spec.json'),
      JSON.stringify({ ...spec, version: '1.0.0-pclip', intensity: { method: 'percentile-clip', lower: 0, upper: 99.5 } }),
    );
    const out = join(dir, 'mr-mask.nii.gz');
    const seg = join(dir, 'mr-seg.dcm');
    const res = segflow(['infer', '--model', modelDir, '--input', series, '--out', out, '--seg', seg, '--threads', '2']);
    expect(res.stderr).not.toContain('segflow:');
    expect(res.status).toBe(0);
    const last = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(last.input).toEqual({ kind: 'dicom', dims: [260, 320, 24] });
    expect(last.timings.conformMs).toBeGreaterThan(0);
    const { volume } = readNiftiWithHeader(new Uint8Array(readFileSync(out)), 'mr-mask.nii.gz');
    expect(volume.dims).toEqual([260, 320, 24]);

    const { readSeg } = await import('@/lib/imaging/seg/read-seg');
    const { readdirSync } = await import('node:fs');
    const source = readdirSync(series)
      .filter((n) => n.endsWith('.dcm'))
      .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(series, name))) }));
    const parsed = readSeg(new Uint8Array(readFileSync(seg)), source, 'mr-seg.dcm');
    expect(parsed.segments.map((s) => s.label)).toEqual(['White Matter', 'Grey Matter']);
    // the SEG carries the same voxels as the NIfTI mask
    let differing = 0;
    for (let i = 0; i < volume.data.length; i++) if (parsed.labelmap.data[i] !== volume.data[i]) differing++;
    expect(differing).toBe(0);
    expect(last.labelVolumesMl['White Matter']).toBeGreaterThan(50);
    expect(last.labelVolumesMl['Grey Matter']).toBeGreaterThan(200);
  }, 240_000);
});
