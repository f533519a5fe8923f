/**
 * `segflow models register` as a child process against the real registration routes (served from
 * this process), the embedded store, PostgreSQL and the real model: accepted with parity, refused
 * with per-label Dice, nothing recorded of a refused version.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { modelVersions } from '@/db/schema';
import { closeDb, getDb } from '@/lib/db';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import { serveRegistrationApi } from '@/lib/models/registration/test/registration-routes';
import { runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';
import { BRAIN_TISSUE_DIR, REPO_ROOT, T1_PATH } from '@/workers/inference/testing/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'segflow-models-'));
const infer = (args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin/segflow.mjs'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
let server: Awaited<ReturnType<typeof serveRegistrationApi>>;
let tp: TestProject;
const segflow = async (args: string[], token = tp.users.operator.token) => {
  const r = await runCli(args, { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: token });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
};
const name = `bt-parity-${randomBytes(3).toString('hex')}`;
function specFile(version: string): string {
  const path = join(dir, `spec-${version}.json`);
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(join(BRAIN_TISSUE_DIR, 'spec.json'), 'utf8')), name, version }));
  return path;
}

beforeAll(async () => {
  tp = await createTestProject(getDb());
  server = await serveRegistrationApi();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.close();
  await closeDb();
});

describe('segflow models register (child process, through the API: real routes, database, store and model)', () => {
  it('accepts the shipped model with t1_crop and its own output as reference, and refuses a reference mask it does not reproduce, naming per-label Dice', async () => {
    const own = join(dir, 'own.nii.gz');
    expect(infer(['infer', '--model', BRAIN_TISSUE_DIR, '--input', T1_PATH, '--out', own, '--threads', '2']).status).toBe(0);
    const onnx = join(BRAIN_TISSUE_DIR, 'model.onnx');

    const ok = await segflow([
      'models',
      'register',
      '--onnx',
      onnx,
      '--spec',
      specFile('1.0.0'),
      '--project',
      tp.slug,
      '--reference-input',
      T1_PATH,
      '--reference-mask',
      own,
    ]);
    expect(ok.stderr).toContain(`registered: ${name}@1.0.0`);
    expect(ok.status).toBe(0);
    const out = JSON.parse(ok.stdout.trim().split('\n').at(-1)!) as {
      id: string;
      evidence: { parity: { passed: boolean; minDice: number; references: { name: string; dice: Record<string, number>; differingVoxels: number }[] } };
    };
    expect(out.evidence.parity).toMatchObject({ passed: true, minDice: 0.999, references: [{ name: 't1_crop.nii.gz → own.nii.gz', differingVoxels: 0 }] });
    expect(out.evidence.parity.references[0].dice).toEqual({ background: 1, 'White Matter': 1, 'Grey Matter': 1 });
    const [stored] = await getDb().select().from(modelVersions).where(eq(modelVersions.id, out.id));
    expect(stored.evidence).toMatchObject({ graph: { opset: 14 }, parity: { passed: true } });

    // grey matter relabelled as white matter in 40 slices through the middle: the bundle no longer reproduces it
    const mask = readNifti(readFileSync(own));
    const data = Uint8Array.from(mask.data);
    const plane = mask.dims[0] * mask.dims[1];
    for (let i = plane * 108; i < plane * 148; i++) if (data[i] === 2) data[i] = 1;
    const wrong = join(dir, 'wrong.nii.gz');
    writeFileSync(wrong, writeNifti({ ...mask, data }));
    const refused = await segflow(['models', 'register', '--onnx', onnx, '--spec', specFile('1.0.1'), '--reference-input', T1_PATH, '--reference-mask', wrong]);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^segflow: ${name}@1\\.0\\.1: parity check failed \\(every label needs Dice ≥ 0\\.999\\): t1_crop\\.nii\\.gz → wrong\\.nii\\.gz: Dice background 1\\.0000, White Matter 0\\.\\d{4} \\(< 0\\.999\\), Grey Matter 0\\.\\d{4} \\(< 0\\.999\\); [\\d,]+ of 16,777,216 voxels differ`,
        'm',
      ),
    );
    expect(refused.status).toBe(1);
    // nothing of the refused version was recorded
    expect((await getDb().select().from(modelVersions).where(eq(modelVersions.modelId, stored.modelId))).map((v) => v.version)).toEqual(['1.0.0']);

    const unpaired = await segflow(['models', 'register', '--onnx', onnx, '--spec', specFile('1.0.2'), '--reference-input', T1_PATH]);
    expect(unpaired.status).toBe(1);
    expect(unpaired.stderr).toContain('segflow: --reference-input and --reference-mask come in pairs: 1 inputs, 0 masks');
    const badSpec = join(dir, 'bad.json');
    writeFileSync(badSpec, JSON.stringify({ ...JSON.parse(readFileSync(specFile('1.0.3'), 'utf8')), domain: { modalities: ['mr'] } }));
    const invalid = await segflow(['models', 'register', '--onnx', onnx, '--spec', badSpec, '--version', '1.0.4']);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/^segflow: bad\.json: domain\.description: /m);
    // the same bytes again: the existing version; a researcher may not register
    const again = await segflow(['models', 'register', '--name', name, '--version', '1.0.0', '--onnx', onnx, '--spec', specFile('1.0.0')]);
    expect(again.stderr).toContain(`already registered (same bytes): ${name}@1.0.0`);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ id: out.id, created: false });
    const researcher = await segflow(['models', 'register', '--onnx', onnx, '--spec', specFile('1.0.5')], tp.users.researcher.token);
    expect(researcher.status).toBe(1);
    expect(researcher.stderr).toMatch(/^segflow: your role does not allow model:register/m);
  }, 600_000);
});
