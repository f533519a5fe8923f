import { z } from 'zod';
import { route } from '@/lib/auth/route';
import { modelHistory } from '@/lib/rollout/model-history';

/**
 * GET /api/models/:model/history?at=<ISO time> — which version was live (and canary, shadow) at that
 * time (now when not given), and the slot's events up to then, newest first.
 */
export const GET = route(
  {
    action: 'model.history.read',
    permission: 'model:read',
    input: z.object({
      model: z.string().min(1).max(128),
      at: z.iso.datetime({ offset: true, error: 'at: an ISO 8601 time, e.g. 2026-12-01T12:00:00Z' }).optional(),
    }),
    project: () => null,
    target: (i) => ({ type: 'model', id: i.model }),
    auditOncePerS: 600,
  },
  async (ctx) => modelHistory(ctx.tx, { model: ctx.input.model, at: ctx.input.at ? new Date(ctx.input.at) : new Date() }),
);
