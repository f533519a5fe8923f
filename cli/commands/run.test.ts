import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as runsRoute from '@/app/api/projects/[project]/runs/route';
import * as runRoute from '@/app/api/runs/[run]/route';
import { getDb } from '@/lib/db';
import { executeRun } from '@/lib/executor/local/execute-run';
import { registerModelVersion } from '@/lib/models/register-model-version';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import type { TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { dispatchFetch } from '@/lib/uploads/test/dispatch-api';
import { fileSource, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { startRouteServer } from '@/test/route-server';
import { REPO_ROOT, runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';

let tp: TestProject;
let server: Awaited<ReturnType<typeof startRouteServer>>;
let seriesId: string;
const model = `bt-cli-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  tp = await createTestProject(getDb());
  const engine = new UploadEngine({
    api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
    project: tp.slug,
  });
  engine.add([fileSource(T1_NIFTI)]);
  seriesId = (await engine.run()).volumes[0].id;
  const spec = { ...JSON.parse(readFileSync(join(REPO_ROOT, 'models/brain-tissue/spec.json'), 'utf8')), name: model };
  const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(REPO_ROOT, 'models/brain-tissue/model.onnx')), spec });
  await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
  server = await startRouteServer([
    ['POST', /^\/api\/projects\/([^/]+)\/runs$/, ['project'], runsRoute.POST],
    ['GET', /^\/api\/runs\/([^/]+)$/, ['run'], runRoute.GET],
  ]);
}, 120_000);

afterAll(() => server?.close());

describe('segflow run (child process, real API over HTTP)', () => {
  it('submits a series once (the same submission is the same run), waits for it, and names what is wrong', async () => {
    const env = { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: tp.users.researcher.token };
    const args = ['run', '--project', tp.slug, '--series', seriesId, '--model', model];
    const first = await runCli(args, env);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^submitted: run [0-9a-f-]{36} \(queued\)/m);
    const run = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { id: string; status: string; model: string; serving: { version: string } };
    expect(run).toMatchObject({ status: 'queued', model, serving: { version: '1.0.0' } });
    const again = await runCli(args, env);
    expect(again.stderr).toMatch(/^already submitted: run /m);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!).id).toBe(run.id);

    // the executor takes it (steps stubbed: the pipeline itself is tested in lib/executor)
    const stub = async (inv: TStepInvocation): Promise<TStepResult> => ({ outputs: [], info: { task: inv.task } });
    await executeRun(run.id, { runWorkerStep: stub });
    const waited = await runCli([...args, '--wait'], env);
    expect(waited.code).toBe(0);
    const done = JSON.parse(waited.stdout.trim().split('\n').at(-1)!) as { id: string; status: string; steps: { name: string; status: string }[] };
    expect(done).toMatchObject({ id: run.id, status: 'succeeded' });
    expect(done.steps.map((s) => s.status)).toEqual(Array(5).fill('succeeded'));

    const missing = await runCli(['run', '--project', tp.slug, '--series', '00000000-0000-4000-8000-000000000001'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/series 00000000-0000-4000-8000-000000000001 not found/);
    const refused = await runCli(args, { ...env, SEGFLOW_TOKEN: tp.users.reviewer.token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/your role \(reviewer\) in project t-[0-9a-f]+ does not allow run:submit/);
  }, 180_000);
});
