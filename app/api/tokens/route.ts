import { z } from 'zod';
import { listApiTokens } from '@/lib/auth/list-api-tokens';
import { route } from '@/lib/auth/route';

/** GET /api/tokens: the caller's own API tokens (names and dates; never the token values). */
export const GET = route({ action: 'token.list', permission: 'token:manage', input: z.object({}), project: () => null }, async (ctx) => ({
  tokens: await listApiTokens(ctx.tx, { userId: ctx.actor.userId }),
}));
