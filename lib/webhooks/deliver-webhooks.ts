import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { webhookDeliveries, webhooks } from '@/db/schema';
import { config } from '../config';
import type { DbOrTx } from '../db';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';
import { checkWebhookTarget } from './webhook-target';
import { PING_EVENT } from './ping-webhook';
import { deliveryError } from './delivery-error';

/** how long a claimed delivery is left to its deliverer before another process may try it */
const CLAIM_S = 120;

/** Wait before attempt n+1 after n failed ones: 30 s, 1, 2, 4 … min, at most an hour. */
export function retryDelayS(failedAttempts: number): number {
  return Math.min(30 * 2 ** (failedAttempts - 1), 3600);
}

export interface DeliverOptions {
  /** the clock deliveries are due against (tests move it instead of waiting) */
  now?: Date;
  limit?: number;
  /** deliver only these projects' outbox (a test's own, apart from other tests' deliveries) */
  projectIds?: string[];
  fetch?: typeof fetch;
  resolve?: (host: string) => Promise<string[]>;
}

/**
 * Sends the outbox's due deliveries once: claims up to `limit` (SKIP LOCKED, so several processes
 * share the outbox), POSTs each signed body, and records the attempt: 2xx → delivered; otherwise
 * retried after `retryDelayS`, until SEGFLOW_WEBHOOK_MAX_ATTEMPTS, then failed. Redirects are not
 * followed (a redirect could lead to an address the URL check refused). Returns how many were tried.
 */
export async function deliverDueWebhooks(db: DbOrTx, opts: DeliverOptions = {}): Promise<number> {
  const cfg = config().webhooks;
  const now = opts.now ?? new Date();
  const doFetch = opts.fetch ?? fetch;
  const claimed = await db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, now),
          opts.projectIds ? inArray(webhookDeliveries.projectId, opts.projectIds) : undefined,
        ),
      )
      .orderBy(webhookDeliveries.nextAttemptAt)
      .limit(opts.limit ?? 20)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_S * 1000) })
      .where(
        inArray(
          webhookDeliveries.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
  for (const d of claimed) {
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, d.webhookId));
    if (!hook) continue; // deleted meanwhile: its deliveries went with it
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const url = await checkWebhookTarget(hook.url, { allowPrivate: cfg.allowPrivate, resolve: opts.resolve });
      const res = await doFetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(cfg.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'segflow-webhooks',
          'segflow-event': d.event,
          'segflow-delivery': d.id,
          [SIGNATURE_HEADER]: signWebhookBody(hook.secret, Math.floor(now.getTime() / 1000), d.body),
        },
        body: d.body,
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (status < 200 || status >= 300) error = `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`;
    } catch (err) {
      error = deliveryError(err, cfg.timeoutMs);
    }
    const attempts = d.attempts + 1;
    const ok = error === null;
    // a test event is tried once: it tells the admin now whether the hook works (Redeliver tries again)
    const giveUp = !ok && (attempts >= cfg.maxAttempts || d.event === PING_EVENT);
    await db
      .update(webhookDeliveries)
      .set({
        attempts,
        status: ok ? 'delivered' : giveUp ? 'failed' : 'pending',
        lastStatusCode: status,
        lastError: error?.slice(0, 500) ?? null,
        deliveredAt: ok ? now : null,
        nextAttemptAt: ok || giveUp ? now : new Date(now.getTime() + retryDelayS(attempts) * 1000),
        log: sql`${webhookDeliveries.log} || ${JSON.stringify([{ at: now.toISOString(), status, error: error?.slice(0, 500) ?? null, ms: Date.now() - started }])}::jsonb`,
      })
      .where(eq(webhookDeliveries.id, d.id));
  }
  return claimed.length;
}

export interface WebhookDeliverer {
  stop(): Promise<void>;
}

/** Delivers the outbox every few seconds, in the executor process (and in an app that takes runs itself). */
export function startWebhookDeliverer(db: () => DbOrTx, opts: { intervalMs?: number; log?: (m: string) => void } = {}): WebhookDeliverer {
  const log = opts.log ?? ((m: string) => console.error(`[webhooks] ${m}`));
  let busy: Promise<void> = Promise.resolve();
  let failed = false;
  const tick = async () => {
    try {
      // drain what is due, a batch at a time
      while ((await deliverDueWebhooks(db())) > 0);
      failed = false;
    } catch (err) {
      if (!failed) log(`delivery pass failed: ${err instanceof Error ? err.message : String(err)}`);
      failed = true;
    }
  };
  const timer = setInterval(() => (busy = busy.then(tick)), opts.intervalMs ?? 3000);
  timer.unref();
  busy = busy.then(tick);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
    },
  };
}
