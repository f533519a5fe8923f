import { z } from 'zod';

/** The events a project webhook may subscribe to, each with what it means (shown where hooks are configured). */
export const WEBHOOK_EVENTS = {
  'run.failed': 'a run failed (the failing step and its error)',
  'run.succeeded': 'a run succeeded (optional: one per run)',
  'promotion.awaiting_approval': "a candidate's gate passed and its promotion waits for an operator's approval",
  'canary.rolled_back': 'a canary was rolled back automatically (the failing checks)',
  'upload.rejected': 'an uploaded file was refused (the file and the reason)',
} as const;
export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as [WebhookEvent, ...WebhookEvent[]];
export const ZWebhookEvent = z.enum(WEBHOOK_EVENT_NAMES, { error: `expected one of ${WEBHOOK_EVENT_NAMES.join(', ')}` });
