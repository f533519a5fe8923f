/**
 * `npm run bench api-reads`: GET run detail (app/api/runs/[run]/route.ts, the real route handler,
 * in-process) with 20 concurrent clients, on two databases in turn: the PostgreSQL of DATABASE_URL
 * (migrated here; a test project and run are added to it; skipped when unset), and the embedded
 * PGlite the bench starts in a process of its own, as `npm start` runs it — the default, and where
 * the issue measured "today" (about 70 req/s, 244 ms p50 with 20 clients). The ≥ 5× target is on
 * both. Two baselines in the same run, on each:
 * - the path as it was when the issue was filed (bench/run-detail-at-filing.ts: the same statements
 *   on a client of that day), the "today's throughput" the ≥ 5× goal is measured against;
 * - today's code with only the audit append put back under the chain lock: the same actor
 *   resolution, authorisation and run query on the same pool, with the event chained under the
 *   global advisory lock in the request's transaction (what the lock alone still costs).
 * While the route is measured, a chainer links the pending events every second, as the executor
 * does. Rounds alternate (each path once per round) so a noisy machine hurts all alike; the load
 * average is printed with the numbers. Not part of CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NextResponse } from 'next/server';
import * as runRoute from '../app/api/runs/[run]/route';
import { appendAuditEvent } from '../lib/audit/append-audit-event';
import { chainPendingAuditEvents } from '../lib/audit/chain-pending-audit-events';
import { countPendingAuditEvents } from '../lib/audit/list-audit-events';
import { resolveActor } from '../lib/auth/actor';
import { authorize } from '../lib/auth/authorize';
import { can } from '../lib/auth/permissions';
import { config } from '../lib/config';
import { closeDb, getDb } from '../lib/db';
import { migrateDatabase } from '../lib/platform/migrate';
import { getRun, projectOfRun } from '../lib/runs/get-run';
import { seedRunWithImages } from '../lib/viewer/test/seed-run-images';
import { createTestProject } from '../test/test-project';
import { freePort } from '../test/free-port';
import { serviceProcess } from './child-process';
import type { BenchLine } from './harness';
import { runDetailAtFiling } from './run-detail-at-filing';

export const onlyWhenNamed = true;

const CLIENTS = 20;
const PER_CLIENT = Number(process.env.BENCH_REQUESTS_PER_CLIENT ?? 50);
const ROUNDS = 2;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `CLIENTS` clients, each sending `PER_CLIENT` requests one after another; latencies in ms and the wall time. */
async function load(request: () => Promise<Response>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const s = performance.now();
        const res = await request();
        if (res.status !== 200) throw new Error(`GET run detail answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - t0 };
}

const load1 = () => loadavg()[0].toFixed(1);

export async function run(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const given = process.env.DATABASE_URL;
  if (given) lines.push(...(await measure(given, 'PostgreSQL')));
  else console.log('api-reads: DATABASE_URL is not set, so PostgreSQL is not measured: only the embedded PGlite');
  // the embedded default, as `npm start` runs it: PGlite over the wire in a process of its own
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-reads-'));
  const embedded = await serviceProcess<{ url: string }>('embedded-db-process.ts', { dir, port: await freePort() });
  try {
    process.env.DATABASE_URL = embedded.ready.url;
    lines.push(...(await measure(embedded.ready.url, 'embedded PGlite')));
  } finally {
    if (given) process.env.DATABASE_URL = given;
    else delete process.env.DATABASE_URL;
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/** The three paths on one database, rounds alternating. */
async function measure(url: string, where: string): Promise<BenchLine[]> {
  await migrateDatabase(url);
  const db = getDb();
  const tp = await createTestProject(db);
  const { run: seeded } = await seedRunWithImages(db, tp);
  const runId = seeded.id;
  const headers = () => new Headers({ authorization: `Bearer ${tp.users.researcher.token}` });
  const requestUrl = `http://segflow.bench/api/runs/${runId}`;

  const atFiling = runDetailAtFiling(url);
  const viaAtFiling = () => atFiling.request(tp.users.researcher.token, runId);
  const viaRoute = () => runRoute.GET(new Request(requestUrl, { headers: headers() }), { params: Promise.resolve({ run: runId }) });
  // the guard's path before this change, for this route: one chained append under the global lock
  const viaChainLock = async () => {
    const h = headers();
    const actor = await resolveActor(db, h);
    if (!actor) throw new Error('bench token not accepted');
    const authorized = authorize(actor, 'run:read', await projectOfRun(db, runId));
    const body = await db.transaction(async (tx) => {
      const out = { run: await getRun(tx, { runId, projectId: authorized.project!.id, seeShadow: can(authorized.role, 'promotion:read') }) };
      await appendAuditEvent(tx, {
        actorId: actor.userId,
        actorLabel: actor.email,
        action: 'run.read',
        targetType: 'run',
        targetId: runId,
        projectId: authorized.project!.id,
        outcome: 'success',
        requestId: crypto.randomUUID(),
      });
      return out;
    });
    return NextResponse.json(body);
  };

  // warm both paths (module loading, prepared statements)
  for (let i = 0; i < 5; i++) {
    await (await viaRoute()).arrayBuffer();
    await (await viaChainLock()).arrayBuffer();
    await (await viaAtFiling()).arrayBuffer();
  }
  await chainPendingAuditEvents(db);

  const before = load1();
  const empty = () => ({ latencies: [] as number[], wallMs: 0 });
  const filed = empty();
  const base = empty();
  const next = empty();
  const add = (to: ReturnType<typeof empty>, x: { latencies: number[]; wallMs: number }) => {
    to.latencies.push(...x.latencies);
    to.wallMs += x.wallMs;
  };
  for (let r = 0; r < ROUNDS; r++) {
    add(filed, await load(viaAtFiling));
    add(base, await load(viaChainLock));
    let chaining = true;
    const chainer = (async () => {
      while (chaining) {
        await chainPendingAuditEvents(db);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const n = await load(viaRoute);
    chaining = false;
    await chainer;
    add(next, n);
  }
  const pendingLeft = await countPendingAuditEvents(db);
  await chainPendingAuditEvents(db);
  console.log(
    `api-reads (${where}): ${CLIENTS} clients × ${PER_CLIENT} requests × ${ROUNDS} rounds per path, pool ${config().database.poolMax}; load average ${before} → ${load1()}; ${pendingLeft} events pending at the end (then chained)`,
  );
  await atFiling.close();
  await closeDb();

  for (const x of [filed, base, next]) x.latencies.sort((a, b) => a - b);
  const rps = (x: typeof base) => x.latencies.length / (x.wallMs / 1000);
  return [
    {
      name: `api-reads (${where}): GET run detail, 20 clients, throughput`,
      value: rps(next),
      unit: 'req/s',
      ratios: [
        { against: `the path when the issue was filed (${rps(filed).toFixed(1)} req/s)`, ratio: rps(next) / rps(filed), target: '≥ 5x' },
        { against: `today's path with the append chained under the global lock (${rps(base).toFixed(1)} req/s)`, ratio: rps(next) / rps(base) },
      ],
    },
    {
      name: `api-reads (${where}): GET run detail, 20 clients, p95`,
      value: percentile(next.latencies, 95),
      unit: 'ms',
      ratios: [
        {
          against: `p95 of the path when the issue was filed (${percentile(filed.latencies, 95).toFixed(1)} ms)`,
          ratio: percentile(next.latencies, 95) / percentile(filed.latencies, 95),
        },
        {
          against: `p95 with the append under the global lock (${percentile(base.latencies, 95).toFixed(1)} ms)`,
          ratio: percentile(next.latencies, 95) / percentile(base.latencies, 95),
        },
      ],
    },
    {
      name: `api-reads (${where}): GET run detail, 20 clients, p50`,
      value: percentile(next.latencies, 50),
      unit: 'ms',
      ratios: [
        {
          against: `p50 of the path when the issue was filed (${percentile(filed.latencies, 50).toFixed(1)} ms)`,
          ratio: percentile(next.latencies, 50) / percentile(filed.latencies, 50),
        },
        {
          against: `p50 with the append under the global lock (${percentile(base.latencies, 50).toFixed(1)} ms)`,
          ratio: percentile(next.latencies, 50) / percentile(base.latencies, 50),
        },
      ],
    },
  ];
}
