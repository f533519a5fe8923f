import { createServer, type Server } from 'node:http';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as redeliverRoute from '@/app/api/projects/[project]/webhooks/deliveries/[delivery]/redeliver/route';
import { auditEvents, webhookDeliveries } from '@/db/schema';
import { getDb } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { afterRunFinished } from '@/lib/rollout/after-run';
import { requestPromotion } from '@/lib/rollout/request-promotion';
import { addRuns, createDeployment, createStudy } from '@/lib/rollout/test/scenario';
import { freePort } from '@/test/free-port';
import { routeRequest, type RouteTable } from '@/test/route-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import { deliverDueWebhooks } from './deliver-webhooks';
import { createWebhook } from './manage-webhooks';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './webhook-signature';

/**
 * The rollout's two events reach a real local HTTP receiver, signed with the hook's secret, from
 * where the platform emits them (a promotion request whose gate passed; the automatic rollback of a
 * failing canary after a run); and an admin's redelivery sends the same event again.
 */
interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
let server: Server;
let url: string;
const received: Received[] = [];
let tp: TestProject;
let studyId: string;
let secret: string;
/** due against this clock: far ahead, so no other process's deliverer (real clock) takes these */
const T0 = new Date('2100-01-01T00:00:00Z');

const routes: RouteTable = [['POST', /^\/api\/projects\/([^/]+)\/webhooks\/deliveries\/([^/]+)\/redeliver$/, ['project', 'delivery'], redeliverRoute.POST]];
const redeliver = (token: string, project: string, delivery: string) =>
  routeRequest(
    routes,
    new Request(`http://segflow.test/api/projects/${project}/webhooks/deliveries/${delivery}/redeliver`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    }),
  );

async function deliverAll(): Promise<void> {
  await getDb()
    .update(webhookDeliveries)
    .set({ nextAttemptAt: T0 })
    .where(and(eq(webhookDeliveries.projectId, tp.id), eq(webhookDeliveries.status, 'pending')));
  await deliverDueWebhooks(getDb(), { projectIds: [tp.id], now: T0 });
}

function verified<T = { id: string; event: string; data: Record<string, unknown> }>(r: Received): T {
  expect(verifyWebhookSignature({ secret, header: String(r.headers[SIGNATURE_HEADER]), body: r.body, nowS: T0.getTime() / 1000 })).toBe(true);
  return JSON.parse(r.body);
}

beforeAll(async () => {
  process.env.SEGFLOW_WEBHOOK_ALLOW_PRIVATE = 'true';
  const port = await freePort();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  url = `http://127.0.0.1:${port}/hook`;
  tp = await createTestProject(getDb());
  studyId = await createStudy(getDb(), tp);
  const hook = await createWebhook(getDb(), {
    projectId: tp.id,
    url,
    events: ['promotion.awaiting_approval', 'canary.rolled_back'],
    createdBy: tp.users.admin.id,
  });
  secret = hook.secret;
});

afterAll(async () => {
  delete process.env.SEGFLOW_WEBHOOK_ALLOW_PRIVATE;
  await new Promise<void>((r) => server.close(() => r()));
});

describe('rollout webhooks', () => {
  it('delivers promotion.awaiting_approval, signed, when a promotion whose gate passed is requested', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    await addRuns(getDb(), tp, studyId, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    const { event } = await requestPromotion(getDb(), { modelId: d.modelId, stage: 'shadow', actorId: tp.users.admin.id, note: 'fp16 agrees' });
    await deliverAll();
    expect(received).toHaveLength(1);
    expect(received[0].headers['segflow-event']).toBe('promotion.awaiting_approval');
    const body = verified(received[0]);
    expect(body.event).toBe('promotion.awaiting_approval');
    expect(body.data).toMatchObject({ model: { id: d.modelId, name: d.name }, version: '1.1.0', stage: 'shadow', request: event.id, reason: 'fp16 agrees' });
  });

  it('delivers canary.rolled_back, signed, when a failing canary is rolled back after a run', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    await setSlotVersion(getDb(), {
      modelId: d.modelId,
      versionId: d.candidate.id,
      stage: 'canary',
      canaryPercent: 25,
      actorId: tp.users.admin.id,
      reason: 'canary 25%',
    });
    await addRuns(getDb(), tp, studyId, 10, { served: { versionId: d.live.id, role: 'live' } });
    const canary = await addRuns(getDb(), tp, studyId, 20, { served: { versionId: d.candidate.id, role: 'canary' }, servingFails: (i) => i % 4 === 0 });
    await afterRunFinished(getDb(), canary.at(-1)!);
    await deliverAll();
    expect(received).toHaveLength(2);
    const body = verified<{ event: string; data: { model: { id: string }; percent: number; failing: { check: string }[]; reason: string } }>(received[1]);
    expect(body.event).toBe('canary.rolled_back');
    expect(body.data.model.id).toBe(d.modelId);
    expect(body.data.percent).toBe(25);
    expect(body.data.failing.map((f) => f.check)).toContain('canary-failure-rate');
    expect(body.data.reason).toMatch(/^automatic rollback of .*@1\.1\.0 at canary 25%/);
  });

  it('redelivers a delivery for an admin only: the same event id, signed afresh, audited with both delivery ids', async () => {
    const [first] = await getDb()
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.projectId, tp.id), eq(webhookDeliveries.event, 'promotion.awaiting_approval')));
    expect(first.status).toBe('delivered');
    expect((await redeliver(tp.users.operator.token, tp.slug, first.id)).status).toBe(403);
    const other = await createTestProject(getDb());
    expect((await redeliver(other.users.admin.token, other.slug, first.id)).status).toBe(404);
    const res = await redeliver(tp.users.admin.token, tp.slug, first.id);
    expect(res.status).toBe(201);
    const { delivery } = (await res.json()) as { delivery: { id: string } };
    expect(delivery.id).not.toBe(first.id);
    await deliverAll();
    expect(received).toHaveLength(3);
    expect(received[2].headers['segflow-delivery']).toBe(delivery.id);
    expect(verified(received[2]).id).toBe(JSON.parse(first.body).id);
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, tp.id), eq(auditEvents.action, 'webhook.redeliver')));
    expect(audit.map((e) => [e.outcome, e.details.of, e.details.delivery])).toContainEqual(['success', first.id, delivery.id]);
  });
});
