import { createServer, type Server } from 'node:http';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as hooksRoute from '@/app/api/projects/[project]/webhooks/route';
import * as hookRoute from '@/app/api/projects/[project]/webhooks/[webhook]/route';
import * as pingRoute from '@/app/api/projects/[project]/webhooks/[webhook]/ping/route';
import * as deliveriesRoute from '@/app/api/projects/[project]/webhooks/deliveries/route';
import { auditEvents, webhookDeliveries } from '@/db/schema';
import { getDb } from '@/lib/db';
import { finishRun } from '@/lib/runs/finish-run';
import { registerUploadFile } from '@/lib/uploads/register-upload-file';
import { newRun, newUpload } from '@/test/endpoint-matrix';
import { freePort } from '@/test/free-port';
import { routeRequest, type RouteTable } from '@/test/route-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import { deliverDueWebhooks, retryDelayS } from './deliver-webhooks';
import { pingWebhook } from './ping-webhook';
import type { WebhookDeliveryDto } from './list-deliveries';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './webhook-signature';

/**
 * Webhooks end to end against a real HTTP receiver: configured through the real routes, an event
 * written to the outbox with what it reports, delivered signed, retried after a 500, recorded in the
 * delivery log — and nothing of project a ever reaches project b's hook.
 */
const routes: RouteTable = [
  ['GET', /^\/api\/projects\/([^/]+)\/webhooks$/, ['project'], hooksRoute.GET],
  ['POST', /^\/api\/projects\/([^/]+)\/webhooks$/, ['project'], hooksRoute.POST],
  ['GET', /^\/api\/projects\/([^/]+)\/webhooks\/deliveries$/, ['project'], deliveriesRoute.GET],
  ['DELETE', /^\/api\/projects\/([^/]+)\/webhooks\/([^/]+)$/, ['project', 'webhook'], hookRoute.DELETE],
  ['POST', /^\/api\/projects\/([^/]+)\/webhooks\/([^/]+)\/ping$/, ['project', 'webhook'], pingRoute.POST],
];
const call = (token: string, method: string, path: string, body?: unknown) =>
  routeRequest(
    routes,
    new Request(`http://segflow.test${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
let server: Server;
let receiverUrl: string;
const received: Received[] = [];
/** the status the receiver answers each request with, in order (then 200) */
const answers: number[] = [];
/** the status it answers a given delivery (Segflow-Delivery) with, before `answers` */
const answerFor = new Map<string, number>();

let a: TestProject;
let b: TestProject;
let secretA: string;
let secretB: string;
/** the outbox is due against this clock in the test: far ahead, so no other process's deliverer (real clock) takes these */
const T0 = new Date('2100-01-01T00:00:00Z');

beforeAll(async () => {
  const port = await freePort();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answerFor.get(String(req.headers['segflow-delivery'])) ?? answers.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${port}`;
  a = await createTestProject(getDb());
  b = await createTestProject(getDb());
});

afterAll(async () => {
  delete process.env.SEGFLOW_WEBHOOK_ALLOW_PRIVATE;
  await new Promise<void>((r) => server.close(() => r()));
});

describe('webhook configuration', () => {
  it('refuses non-http(s) URLs, and private, loopback and link-local addresses unless allowed, saying why', async () => {
    delete process.env.SEGFLOW_WEBHOOK_ALLOW_PRIVATE;
    const cases: [string, RegExp][] = [
      ['ftp://hooks.example.org/x', /only http and https/],
      ['file:///etc/passwd', /only http and https/],
      [`${receiverUrl}/a`, /127\.0\.0\.1 is a private, loopback or link-local address.*SEGFLOW_WEBHOOK_ALLOW_PRIVATE/],
      ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a private/],
      ['http://10.1.2.3/hook', /10\.1\.2\.3 is a private/],
      ['http://[::1]:8080/hook', /::1 is a private/],
      ['http://[::ffff:192.168.0.1]/hook', /is a private/],
      ['http://localhost:9/hook', /^url: localhost resolves to [0-9a-f.:]+, a private, loopback or link-local address;/],
      ['https://user:pw@hooks.example.org/x', /user name or password/],
    ];
    for (const [url, why] of cases) {
      const res = await call(a.users.admin.token, 'POST', `/api/projects/${a.slug}/webhooks`, { url, events: ['run.failed'] });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, url).toMatch(why);
    }
    const listed = (await (await call(a.users.admin.token, 'GET', `/api/projects/${a.slug}/webhooks`)).json()) as { webhooks: unknown[] };
    expect(listed.webhooks).toEqual([]);
    // an unknown event is named
    const bad = await call(a.users.admin.token, 'POST', `/api/projects/${a.slug}/webhooks`, { url: 'https://203.0.113.7/x', events: ['run.exploded'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^events\.0: expected one of run\.failed/);
  });

  it('creates a hook per project with a secret shown once; the list never shows it; only admins', async () => {
    process.env.SEGFLOW_WEBHOOK_ALLOW_PRIVATE = 'true';
    const make = async (tp: TestProject, path: string) => {
      const res = await call(tp.users.admin.token, 'POST', `/api/projects/${tp.slug}/webhooks`, {
        url: `${receiverUrl}${path}`,
        events: ['run.failed', 'upload.rejected'],
      });
      expect(res.status).toBe(201);
      const { webhook } = (await res.json()) as { webhook: { id: string; secret: string; events: string[] } };
      expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      return webhook;
    };
    secretA = (await make(a, '/a')).secret;
    secretB = (await make(b, '/b')).secret;
    const listed = await (await call(a.users.admin.token, 'GET', `/api/projects/${a.slug}/webhooks`)).text();
    expect(listed).toContain(`${receiverUrl}/a`);
    expect(listed).not.toContain(secretA);
    expect(listed).not.toContain(`${receiverUrl}/b`);
    expect((await call(a.users.operator.token, 'GET', `/api/projects/${a.slug}/webhooks`)).status).toBe(403);
    expect((await call(b.users.admin.token, 'GET', `/api/projects/${a.slug}/webhooks`)).status).toBe(404);
    // audited in the project's log, with the URL and events but never the secret
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, a.id), eq(auditEvents.action, 'webhook.create')));
    expect(audit.map((e) => [e.outcome, e.details.url])).toContainEqual(['success', `${receiverUrl}/a`]);
    expect(JSON.stringify(audit)).not.toContain(secretA);
  });
});

describe('delivery', () => {
  it('delivers a failed run signed, retries after a 500 with backoff, and never to another project', async () => {
    const db = getDb();
    const run = await newRun(db, a, { status: 'running' });
    await db.transaction(async (tx) => {
      await finishRun(tx, { run, inputs: [] }, { status: 'failed', error: 'infer: out of memory', failedTask: 'manifest' });
      // the test's clock: see T0
      await tx
        .update(webhookDeliveries)
        .set({ nextAttemptAt: T0 })
        .where(inArray(webhookDeliveries.projectId, [a.id, b.id]));
    });
    const outbox = await db
      .select()
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.projectId, [a.id, b.id]));
    expect(outbox.map((d) => [d.projectId, d.event, d.status])).toEqual([[a.id, 'run.failed', 'pending']]);

    answers.push(500);
    const scope = { projectIds: [a.id, b.id] };
    expect(await deliverDueWebhooks(db, { ...scope, now: T0 })).toBe(1);
    expect(received).toHaveLength(1);
    let [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, outbox[0].id));
    expect([row.status, row.attempts, row.lastStatusCode, row.lastError]).toEqual(['pending', 1, 500, 'HTTP 500']);
    expect(row.nextAttemptAt.getTime() - T0.getTime()).toBe(retryDelayS(1) * 1000);

    // not due yet: nothing is sent
    expect(await deliverDueWebhooks(db, { ...scope, now: new Date(T0.getTime() + 29_000) })).toBe(0);
    expect(received).toHaveLength(1);

    const T1 = new Date(T0.getTime() + retryDelayS(1) * 1000);
    expect(await deliverDueWebhooks(db, { ...scope, now: T1 })).toBe(1);
    expect(received).toHaveLength(2);
    [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, outbox[0].id));
    expect([row.status, row.attempts, row.lastStatusCode, row.lastError]).toEqual(['delivered', 2, 200, null]);
    expect(await deliverDueWebhooks(db, { ...scope, now: new Date(T1.getTime() + 3_600_000) })).toBe(0);

    for (const r of received) {
      expect(r.path).toBe('/a');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['segflow-event']).toBe('run.failed');
      expect(r.headers['segflow-delivery']).toBe(row.id);
      const header = String(r.headers[SIGNATURE_HEADER]);
      expect(verifyWebhookSignature({ secret: secretA, header, body: r.body, nowS: T1.getTime() / 1000 })).toBe(true);
      // another hook's secret, or a changed body, does not verify
      expect(verifyWebhookSignature({ secret: secretB, header, body: r.body, nowS: T1.getTime() / 1000 })).toBe(false);
      expect(verifyWebhookSignature({ secret: secretA, header, body: r.body.replace('memory', 'disk'), nowS: T1.getTime() / 1000 })).toBe(false);
      const body = JSON.parse(r.body) as {
        event: string;
        project: { id: string; slug: string };
        data: { run: { id: string }; failedTask: string; error: string };
      };
      expect(body.event).toBe('run.failed');
      expect(body.project).toEqual({ id: a.id, slug: a.slug });
      expect(body.data.run.id).toBe(run.id);
      expect(body.data.error).toBe('infer: out of memory');
    }
    // the same event id in both attempts: receivers can de-duplicate
    expect(JSON.parse(received[0].body).id).toBe(JSON.parse(received[1].body).id);

    // the delivery log: a's admin sees both attempts; b's log is empty; operators see none
    const log = (await (await call(a.users.admin.token, 'GET', `/api/projects/${a.slug}/webhooks/deliveries`)).json()) as { deliveries: WebhookDeliveryDto[] };
    expect(log.deliveries).toHaveLength(1);
    expect(log.deliveries[0]).toMatchObject({ event: 'run.failed', status: 'delivered', attempts: 2, url: `${receiverUrl}/a` });
    expect(log.deliveries[0].log.map((l) => l.status)).toEqual([500, 200]);
    const logB = (await (await call(b.users.admin.token, 'GET', `/api/projects/${b.slug}/webhooks/deliveries`)).json()) as { deliveries: unknown[] };
    expect(logB.deliveries).toEqual([]);
    expect((await call(a.users.operator.token, 'GET', `/api/projects/${a.slug}/webhooks/deliveries`)).status).toBe(403);
  });

  it('a refused upload file is announced to its project without the file name (it may identify the patient)', async () => {
    const db = getDb();
    const upload = await newUpload(db, b);
    const name = 'DOE_JANE_19610412.dcm';
    const file = await db.transaction((tx) => registerUploadFile(tx, { projectId: b.id, uploadId: upload.uploadId, name, size: 0, sha256: '0'.repeat(64) }));
    expect(file.status).toBe('rejected');
    const outbox = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.projectId, b.id));
    expect(outbox.map((d) => d.event)).toEqual(['upload.rejected']);
    const body = JSON.parse(outbox[0].body) as { data: { upload: string; reason: string; file: { index: number } } };
    expect(body.data.upload).toBe(upload.uploadId);
    expect(body.data.reason).toBe(`file #${body.data.file.index}: the file is empty`);
    expect(outbox[0].body).not.toContain('DOE');
    expect(await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.projectId, a.id))).toHaveLength(1);
  });

  it("a test event (ping) goes to the one hook asked for, signed, whatever it subscribed to; only its project's admins send one", async () => {
    const db = getDb();
    const { webhooks } = (await (await call(b.users.admin.token, 'GET', `/api/projects/${b.slug}/webhooks`)).json()) as { webhooks: { id: string }[] };
    const hook = webhooks[0].id;
    expect((await call(a.users.admin.token, 'POST', `/api/projects/${a.slug}/webhooks/${hook}/ping`, { project: a.slug, webhook: hook })).status).toBe(404);
    expect((await call(b.users.operator.token, 'POST', `/api/projects/${b.slug}/webhooks/${hook}/ping`, { project: b.slug, webhook: hook })).status).toBe(403);
    const res = await call(b.users.admin.token, 'POST', `/api/projects/${b.slug}/webhooks/${hook}/ping`, { project: b.slug, webhook: hook });
    expect(res.status).toBe(201);
    const { delivery } = (await res.json()) as { delivery: { id: string; webhookId: string } };
    expect(delivery.webhookId).toBe(hook);
    const [audit] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, b.id), eq(auditEvents.action, 'webhook.ping'), eq(auditEvents.outcome, 'success')));
    expect(audit).toMatchObject({ targetType: 'webhook', targetId: hook, actorId: b.users.admin.id, details: { delivery: delivery.id } });

    // delivered on the test's clock (a deliverer of another test file may have sent it already: to this receiver too)
    const T9 = new Date(T0.getTime() + 9 * 86_400_000);
    await db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: T9 })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'pending')));
    await deliverDueWebhooks(db, { projectIds: [b.id], now: T9 });
    const got = received.find((r) => r.headers['segflow-delivery'] === delivery.id);
    expect(got?.path).toBe('/b');
    expect(got?.headers['segflow-event']).toBe('ping');
    expect(verifyWebhookSignature({ secret: secretB, header: String(got?.headers[SIGNATURE_HEADER]), body: got!.body, nowS: T9.getTime() / 1000 })).toBe(true);
    const body = JSON.parse(got!.body) as { event: string; project: { id: string; slug: string }; data: { webhook: string; sentBy: string } };
    expect(body).toMatchObject({ event: 'ping', project: { id: b.id, slug: b.slug }, data: { webhook: hook, sentBy: b.users.admin.email } });
    const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery.id));
    expect([row.status, row.event]).toEqual(['delivered', 'ping']);

    // a test event is tried once: a failure shows at once, not after hours of backoff (Redeliver tries again)
    const T10 = new Date(T9.getTime() + 86_400_000);
    const second = await db.transaction(async (tx) => {
      const d = await pingWebhook(tx, { projectId: b.id, webhookId: hook, actorEmail: b.users.admin.email });
      await tx.update(webhookDeliveries).set({ nextAttemptAt: T10 }).where(eq(webhookDeliveries.id, d.id));
      return d;
    });
    answerFor.set(second.id, 500);
    await deliverDueWebhooks(db, { projectIds: [b.id], now: T10 });
    const [failed] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, second.id));
    expect([failed.status, failed.attempts, failed.lastStatusCode]).toEqual(['failed', 1, 500]);
  });

  it('an event nobody subscribed to queues nothing; a removed hook takes its deliveries with it', async () => {
    const db = getDb();
    const run = await newRun(db, a, { status: 'running' });
    await finishRun(db, { run, inputs: [] }, { status: 'succeeded' });
    const outbox = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.projectId, a.id));
    expect(outbox.map((d) => d.event)).toEqual(['run.failed']);
    const { webhooks } = (await (await call(a.users.admin.token, 'GET', `/api/projects/${a.slug}/webhooks`)).json()) as { webhooks: { id: string }[] };
    expect((await call(b.users.admin.token, 'DELETE', `/api/projects/${a.slug}/webhooks/${webhooks[0].id}`)).status).toBe(404);
    expect((await call(a.users.admin.token, 'DELETE', `/api/projects/${b.slug}/webhooks/${webhooks[0].id}`)).status).toBe(404);
    expect((await call(a.users.admin.token, 'DELETE', `/api/projects/${a.slug}/webhooks/${webhooks[0].id}`)).status).toBe(200);
    expect(await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.projectId, a.id))).toEqual([]);
  });
});
