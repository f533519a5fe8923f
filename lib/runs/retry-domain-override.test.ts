/**
 * An operator's override of a model's input-domain refusal: POST /api/runs/:run/retry with
 * `overrideDomain` puts the reason (and who, and when) into the run's params, the next attempt's
 * infer invocations carry it (workers/steps/infer.ts then segments the input and warns), and the
 * audit event says it was an override. Real database; the run's steps are not executed here (the
 * e2e e2e/viewer-dicom.spec.ts runs a refused CT through to its SEG this way).
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/runs/[run]/retry/route';
import { auditEvents, runs } from '@/db/schema';
import { parseRunParams } from '@/db/schema/run-json';
import { buildInvocation, loadRunContext } from '@/lib/executor/run-context';
import { getDb } from '@/lib/db';
import { newRun } from '@/test/endpoint-matrix';
import { createTestProject, type TestProject } from '@/test/test-project';

let tp: TestProject;
beforeAll(async () => {
  tp = await createTestProject(getDb());
});

async function retry(token: string, runId: string, body: Record<string, unknown>) {
  const res = await POST(
    new Request(`http://segflow.test/api/runs/${runId}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': `override-${runId}` },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ run: runId }) },
  );
  return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
}

describe('retry with overrideDomain', () => {
  it("records the operator's reason in the run's params, hands it to the infer tasks, and audits the override", async () => {
    const run = await newRun(getDb(), tp, { status: 'failed' });
    const res = await retry(tp.users.operator.token, run.id, { reason: 'CT phantom for the viewer', overrideDomain: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [row] = await getDb().select().from(runs).where(eq(runs.id, run.id));
    expect(row.status).toBe('queued');
    expect(parseRunParams(row).domainOverride).toMatchObject({ reason: 'CT phantom for the viewer', by: tp.users.operator.id });
    const ctx = await loadRunContext(getDb(), run.id);
    const infer = ctx.tasks.find((t) => t.step === 'infer')!;
    expect(buildInvocation(ctx, infer, {}).params).toEqual({ domainOverride: { reason: 'CT phantom for the viewer' } });
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.requestId, `override-${run.id}`), eq(auditEvents.action, 'run.retry')));
    expect(event.details).toMatchObject({ reason: 'CT phantom for the viewer', overrideDomain: true });
  });

  it('leaves a plain retry without an override, and refuses researchers', async () => {
    const run = await newRun(getDb(), tp, { status: 'failed' });
    expect((await retry(tp.users.researcher.token, run.id, { reason: 'let me', overrideDomain: true })).status).toBe(403);
    expect((await retry(tp.users.operator.token, run.id, { reason: 'transient failure' })).status).toBe(200);
    const [row] = await getDb().select().from(runs).where(eq(runs.id, run.id));
    expect(parseRunParams(row).domainOverride).toBeUndefined();
    const ctx = await loadRunContext(getDb(), run.id);
    expect(buildInvocation(ctx, ctx.tasks.find((t) => t.step === 'infer')!, {}).params).toEqual({});
  });
});
