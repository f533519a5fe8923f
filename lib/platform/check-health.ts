import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { sql } from 'drizzle-orm';
import { createRequire } from 'node:module';
import { config } from '../config';
import { getDb } from '../db';
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
}

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
    return { ok: true, detail: `bucket ${settings.bucket} reachable` };
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

/**
 * Local executor: step processes need the worker runtime (onnxruntime-node) on this machine.
 * Argo: the Argo Server answers its version endpoint. The executor process itself may run elsewhere
 * (its own Deployment), so its liveness is reported, not required: that is its own probe's job.
 */
async function checkExecutor(): Promise<Health['executor']> {
  const argo = config().argo;
  if (config().executor.kind === 'argo' && argo) {
    try {
      const res = await fetch(`${argo.server.replace(/\/$/, '')}/api/v1/version`, {
        headers: argo.token ? { authorization: `Bearer ${argo.token}` } : {},
        signal: AbortSignal.timeout(3000),
      });
      return { kind: 'argo', ok: res.ok, detail: `Argo Server answered ${res.status}` };
    } catch (err) {
      return { kind: 'argo', ok: false, detail: message(err) };
    }
  }
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    const rows = (await getDb().execute(sql`select status::text as status, count(*)::int as n from runs where executor = 'local' and status in ('queued', 'running') group by status`)) as unknown as { status: string; n: number }[];
    const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
    return { kind: 'local', ok: true, detail: `local executor: worker runtime present; ${n('running')} running, ${n('queued')} queued; ${executorProcess()}` };
  } catch (err) {
    return { kind: 'local', ok: false, detail: message(err) };
  }
}

export async function checkHealth(): Promise<Health> {
  const [database, storage, executor] = await Promise.all([checkDatabase(), checkStorage(), checkExecutor()]);
  return { ok: database.ok && storage.ok && executor.ok, database, storage, executor };
}
