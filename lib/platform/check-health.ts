import { GetBucketVersioningCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { sql } from 'drizzle-orm';
import { createRequire } from 'node:module';
import { config } from '../config';
import { getDb } from '../db';
import { argoConnection } from '../executor/argo/argo-connection';
import { argoRequest } from '../executor/argo/argo-http';
import { executorIsLive, readExecutorHealth } from '../executor/health-file';
import { getStorage } from '../storage/s3-client';

export interface ComponentHealth {
  ok: boolean;
  detail: string;
}
export interface Health {
  ok: boolean;
  database: ComponentHealth;
  storage: ComponentHealth;
  executor: ComponentHealth & { kind: 'local' | 'argo' };
  /** reads' audit events waiting to be linked into the hash chain: reported, not required (as the executor) */
  audit: ComponentHealth & { pending: number; oldestS: number | null };
}

/** the chainer runs every second (lib/audit/audit-checkpointer.ts): a pending event older than this means none runs */
export const PENDING_AUDIT_MAX_AGE_S = 60;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function checkDatabase(): Promise<ComponentHealth> {
  try {
    await getDb().execute(sql`select 1`);
    return { ok: true, detail: 'reachable' };
  } catch (err) {
    return { ok: false, detail: message(err) };
  }
}

async function checkStorage(): Promise<ComponentHealth> {
  try {
    const { client, settings } = getStorage();
    await client.send(new HeadBucketCommand({ Bucket: settings.bucket }));
    if (!settings.versioned) return { ok: true, detail: `bucket ${settings.bucket} reachable (versioning not required: S3_VERSIONED=false)` };
    const { Status } = await client.send(new GetBucketVersioningCommand({ Bucket: settings.bucket }));
    if (Status !== 'Enabled')
      return {
        ok: false,
        detail: `bucket ${settings.bucket}: versioning is ${Status ?? 'not enabled'}; segflow needs it Enabled (ADR-02) so that a run's outputs are served as they were written`,
      };
    return { ok: true, detail: `bucket ${settings.bucket} reachable, versioning Enabled` };
  } catch (err) {
    return { ok: false, detail: message(err) };
  }
}

/** The executor process's own report (its health file), when it runs on this machine. */
function executorProcess(): string {
  const h = readExecutorHealth(config().executor.healthFile);
  if (!h) return 'no executor process has reported on this machine';
  const age = Math.round((Date.now() - Date.parse(h.lastTickAt)) / 1000);
  return `executor process ${h.pid} ${executorIsLive(h) ? 'alive' : h.state === 'running' ? 'silent' : h.state} (last tick ${age} s ago)`;
}

async function runCounts(kind: 'local' | 'argo'): Promise<string> {
  const rows = (await getDb().execute(
    sql`select status::text as status, count(*)::int as n from runs where executor = ${kind} and status in ('queued', 'running') group by status`,
  )) as unknown as { status: string; n: number }[];
  const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return `${n('running')} running, ${n('queued')} queued`;
}

/**
 * A process that takes no runs (SEGFLOW_EXECUTOR=none, e.g. an app replica on the cluster) needs no
 * executor to be healthy: it reports the runs waiting for the one they are for.
 * Local executor: step processes need the worker runtime (onnxruntime-node) on this machine.
 * Argo: the Argo Server answers its version endpoint, with the executor's own connection (token
 * file, CA bundle). The executor process itself may run elsewhere (its own Deployment), so its
 * liveness is reported, not required: that is its own probe's job.
 */
async function checkExecutor(): Promise<Health['executor']> {
  const { kind, takesRuns } = config().executor;
  try {
    if (!takesRuns)
      return { kind, ok: true, detail: `this process takes no runs (SEGFLOW_EXECUTOR=none); runs are for the ${kind} executor: ${await runCounts(kind)}` };
    if (kind === 'argo') {
      const connection = argoConnection();
      if (!connection) return { kind, ok: false, detail: 'the Argo executor is chosen but ARGO_SERVER is not set' };
      await argoRequest({ ...connection, timeoutMs: 3000 }, 'GET', '/api/v1/version');
      return { kind, ok: true, detail: `Argo Server ${connection.server} answered; ${await runCounts(kind)}` };
    }
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return { kind, ok: true, detail: `local executor: worker runtime present; ${await runCounts(kind)}; ${executorProcess()}` };
  } catch (err) {
    return { kind, ok: false, detail: message(err) };
  }
}

/**
 * The audit backlog: read events are durable in audit_pending_events from the read's own
 * transaction, and the executor process's chainer links them into the chain every second (and
 * deletes them there). Old ones mean no chainer runs: reads are still recorded, but not yet in the
 * chain a checkpoint signs.
 */
export function auditBacklog(p: { pending: number; oldestS: number | null }): Health['audit'] {
  if (p.pending === 0) return { ok: true, pending: 0, oldestS: null, detail: 'every audit event is in the hash chain' };
  const age = p.oldestS ?? 0;
  const ok = age <= PENDING_AUDIT_MAX_AGE_S;
  const detail = `${p.pending} read event${p.pending === 1 ? '' : 's'} waiting to be chained, the oldest ${age} s old${
    ok ? '' : ` (over ${PENDING_AUDIT_MAX_AGE_S} s: is the executor process, which chains them every second, running?)`
  }`;
  return { ok, pending: p.pending, oldestS: age, detail };
}

async function checkAudit(): Promise<Health['audit']> {
  try {
    const [row] = (await getDb().execute(
      sql`select count(*)::int as n, extract(epoch from (now() - min(at)))::float8 as age from audit_pending_events`,
    )) as unknown as { n: number; age: number | null }[];
    return auditBacklog({ pending: row.n, oldestS: row.age === null ? null : Math.max(0, Math.round(row.age)) });
  } catch (err) {
    return { ok: false, pending: 0, oldestS: null, detail: message(err) };
  }
}

export async function checkHealth(): Promise<Health> {
  const [database, storage, executor, audit] = await Promise.all([checkDatabase(), checkStorage(), checkExecutor(), checkAudit()]);
  return { ok: database.ok && storage.ok && executor.ok, database, storage, executor, audit };
}
