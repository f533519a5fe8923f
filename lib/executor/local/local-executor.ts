import { and, eq, sql } from 'drizzle-orm';
import { runs } from '@/db/schema';
import { getDb } from '@/lib/db';
import { executeRun } from './execute-run';

/**
 * The one-machine executor: takes queued local runs one at a time (oldest first) and runs each
 * through executeRun. A run is claimed with FOR UPDATE SKIP LOCKED, so two app processes never take
 * the same run. `kick()` after a submission starts it at once; a slow poll catches anything missed.
 * On start, runs left `running` by a process that died are queued again (they resume after their
 * last finished step): one local executor per database, which is what `segflow start` runs.
 */
class LocalExecutor {
  private draining: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  async start(pollMs = 10_000): Promise<void> {
    if (this.timer) return;
    await getDb().update(runs).set({ status: 'queued' }).where(and(eq(runs.executor, 'local'), eq(runs.status, 'running')));
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
    this.kick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** drains the queue; resolves when nothing is left queued */
  kick(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        for (let id = await claimNext(); id; id = await claimNext()) {
          await executeRun(id).catch((err) => console.error(`[executor] run ${id}:`, err));
        }
      } while (this.again);
    })().finally(() => (this.draining = null));
    return this.draining;
  }
}

async function claimNext(): Promise<string | null> {
  const rows = await getDb().execute<{ id: string }>(sql`
    UPDATE runs SET status = 'running', started_at = coalesce(started_at, now())
    WHERE id = (SELECT id FROM runs WHERE status = 'queued' AND executor = 'local' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id`);
  return (rows as unknown as { id: string }[])[0]?.id ?? null;
}

const g = globalThis as { __segflowLocalExecutor?: LocalExecutor };

/** the process's executor (one per process, whichever bundle asks) */
export function localExecutor(): LocalExecutor {
  g.__segflowLocalExecutor ??= new LocalExecutor();
  return g.__segflowLocalExecutor;
}
