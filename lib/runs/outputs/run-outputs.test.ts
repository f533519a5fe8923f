import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as outputsRoute from '@/app/api/runs/[run]/outputs/route';
import * as logsRoute from '@/app/api/runs/[run]/steps/[step]/logs/route';
import { saveStepLog } from '@/lib/runs/logs/save-step-log';
import { StepLog } from '@/lib/runs/logs/step-log';
import { auditEvents, runSteps } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import { getDb } from '@/lib/db';
import { writeSucceededManifest } from '@/lib/runs/finish-run';
import { getObjectBytes, putObject } from '@/lib/storage/objects';
import { seedRunWithImages, type SeededRun } from '@/lib/viewer/test/seed-run-images';
import { routeRequest, startRouteServer } from '@/test/route-server';
import { runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';
import type { RunOutputDto } from './list-run-outputs';
import { chainPendingAuditEvents } from '@/lib/audit/chain-pending-audit-events';

/**
 * Results out: GET /api/runs/:run/outputs (presigned links, the access table, the audit log) and
 * `segflow runs download` as a child process against the real route and S3 server, with a real
 * signed manifest.
 */
let tp: TestProject;
let seeded: SeededRun;
let server: Awaited<ReturnType<typeof startRouteServer>>;
const ROUTES = [
  ['GET', /^\/api\/runs\/([^/]+)\/outputs$/, ['run'], outputsRoute.GET],
  ['GET', /^\/api\/runs\/([^/]+)\/steps\/([^/]+)\/logs$/, ['run', 'step'], logsRoute.GET],
] as Parameters<typeof startRouteServer>[0];

beforeAll(async () => {
  process.env.SEGFLOW_MANIFEST_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  tp = await createTestProject(getDb());
  seeded = await seedRunWithImages(getDb(), tp, { shadow: true, objects: true });
  await writeSucceededManifest(getDb(), { run: seeded.run, inputs: [] });
  server = await startRouteServer(ROUTES);
}, 120_000);
afterAll(() => server?.close());

async function list(token: string) {
  const res = await routeRequest(
    ROUTES,
    new Request(`http://segflow.test/api/runs/${seeded.run.id}/outputs`, { headers: { authorization: `Bearer ${token}` } }),
  );
  return { status: res.status, body: (await res.json()) as { outputs: RunOutputDto[] } };
}
const download = (token: string, out: string) => runCli(['runs', 'download', seeded.run.id, '--out', out], { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: token });

describe('results out', () => {
  it('lists what each role may take out, with links of 5 minutes, and audits every key handed out; reviewers are refused', async () => {
    const op = await list(tp.users.operator.token);
    expect(op.status).toBe(200);
    expect(op.body.outputs.map((o) => o.file)).toEqual(['mask.nii.gz', 'shadow-mask.nii.gz', 'manifest.json']);
    for (const o of op.body.outputs) expect(Date.parse(o.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const researcher = await list(tp.users.researcher.token);
    // never a shadow output, and no manifests/ read for researchers (the access table)
    expect(researcher.body.outputs.map((o) => o.file)).toEqual(['mask.nii.gz']);
    expect((await list(tp.users.reviewer.token)).status).toBe(403);
    expect((await list(tp.outsider.token)).status).toBe(404);
    // reads are recorded pending in their own transaction; the chainer links them into the chain
    await chainPendingAuditEvents(getDb());
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'run.outputs.read'), eq(auditEvents.targetId, seeded.run.id), eq(auditEvents.outcome, 'success')))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    expect(event.details).toEqual({ keys: [seeded.keys.serving] });
  });

  it('segflow runs download writes the files under their names, checked against the signed manifest', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'segflow-dl-')), 'results');
    const r = await download(tp.users.operator.token, out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/3 files written to .*, each checked against the manifest/);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'mask.nii.gz', 'shadow-mask.nii.gz']);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).manifest.run.id).toBe(seeded.run.id);
    const asResearcher = await download(tp.users.researcher.token, join(out, 'researcher'));
    expect(asResearcher.code, asResearcher.stderr).toBe(0);
    expect(asResearcher.stderr).toMatch(/1 file written to .*, each checked against the run record/);
  }, 120_000);

  it('segflow runs logs prints a stored step log', async () => {
    const log = new StepLog();
    log.write('stderr', '{"model":"loaded"}\n');
    log.note('attempt 1 succeeded');
    await saveStepLog({ run: seeded.run, task: 'infer-serving', attempt: 1, log, final: true });
    const r = await runCli(['runs', 'logs', seeded.run.id, '--task', 'infer-serving'], { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: tp.users.researcher.token });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^infer-serving, attempt 1 of 1 \(succeeded\)$/m);
    expect(r.stdout).toMatch(/ stderr +\{"model":"loaded"\}\n.* executor +attempt 1 succeeded\n$/);
  }, 120_000);

  it("serves the run's own bytes after the mask object was overwritten (downloads go by version id)", async () => {
    const [step] = await getDb()
      .select()
      .from(runSteps)
      .where(and(eq(runSteps.runId, seeded.run.id), eq(runSteps.name, 'infer-serving')));
    const recorded = parseStepOutputs(step)[0];
    expect(recorded.versionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const runBytes = await getObjectBytes({ key: seeded.keys.serving, versionId: recorded.versionId });
    const replaced = await putObject({ key: seeded.keys.serving, body: new TextEncoder().encode('not the mask'), contentType: 'application/gzip' });
    expect(replaced.versionId).not.toBe(recorded.versionId);

    const out = join(mkdtempSync(join(tmpdir(), 'segflow-dl-')), 'results');
    const r = await download(tp.users.operator.token, out);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.from(readFileSync(join(out, 'mask.nii.gz'))).equals(Buffer.from(runBytes))).toBe(true);
    const link = (await list(tp.users.researcher.token)).body.outputs.find((o) => o.file === 'mask.nii.gz')!;
    expect(Buffer.from(await (await fetch(link.url)).arrayBuffer()).equals(Buffer.from(runBytes))).toBe(true);
  }, 120_000);

  it('refuses a file whose bytes are not what the manifest records: names it, writes nothing, exits 1', async () => {
    // the run record now names another version than the signed manifest does
    const other = await putObject({ key: seeded.keys.serving, body: new TextEncoder().encode('still not the mask'), contentType: 'application/gzip' });
    const [step] = await getDb()
      .select()
      .from(runSteps)
      .where(and(eq(runSteps.runId, seeded.run.id), eq(runSteps.name, 'infer-serving')));
    await getDb()
      .update(runSteps)
      .set({ outputs: parseStepOutputs(step).map((o) => ({ ...o, versionId: other.versionId })) })
      .where(eq(runSteps.id, step.id));
    const out = join(mkdtempSync(join(tmpdir(), 'segflow-dl-')), 'results');
    const r = await download(tp.users.operator.token, out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mask\.nii\.gz: SHA-256 [0-9a-f]{64} does not match the manifest's [0-9a-f]{64}$/m);
    expect(r.stderr).toMatch(/nothing written: 1 file did not check out/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
