import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ExecutorKind } from '../config';

/**
 * The executor process's liveness: a small JSON file (SEGFLOW_EXECUTOR_HEALTH_FILE, default
 * <data dir>/executor-health.json) rewritten after every poll and heartbeat that reached the
 * database. `segflow executor --check` (a Kubernetes exec probe, the smoke test) and /api/health read
 * it: fresh means the loop is alive and the database answers it.
 */
export interface ExecutorHeartbeat {
  kind: ExecutorKind;
  owner: string;
  state: 'running' | 'stopping' | 'stopped';
  /** the runs in hand */
  runs: string[];
}

export const ZExecutorHealth = z.object({
  pid: z.number().int(),
  kind: z.enum(['local', 'argo']),
  owner: z.string(),
  state: z.enum(['running', 'stopping', 'stopped']),
  runs: z.array(z.string()),
  startedAt: z.string(),
  lastTickAt: z.string(),
  pollMs: z.number(),
});
export type TExecutorHealth = z.infer<typeof ZExecutorHealth>;

/** Writes the file atomically (readers never see half of it); synchronous, so the last write on exit lands. */
export function writeExecutorHealth(path: string, health: TExecutorHealth): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(health)}\n`);
  renameSync(tmp, path);
}

export function readExecutorHealth(path: string): TExecutorHealth | null {
  try {
    const parsed = ZExecutorHealth.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Alive: running, and its last tick is recent (three polls, at least 30 s: a slow database is not a dead executor). */
export function executorIsLive(h: TExecutorHealth | null, now = Date.now()): boolean {
  if (h?.state !== 'running') return false;
  return now - Date.parse(h.lastTickAt) <= Math.max(3 * h.pollMs, 30_000);
}
