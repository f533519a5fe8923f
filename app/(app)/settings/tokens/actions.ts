'use server';
import { z } from 'zod';
import { action } from '@/lib/auth/action';
import { createApiToken, revokeApiToken, TOKEN_LIFETIMES_DAYS } from '@/lib/auth/api-tokens';
import { AppError } from '@/lib/errors';

export const createTokenAction = action(
  {
    action: 'token.create',
    permission: 'token:manage',
    input: z.object({
      name: z.string().trim().min(1).max(80),
      expiresInDays: z.union(TOKEN_LIFETIMES_DAYS.map((d) => z.literal(d))).default(90),
    }),
    project: () => null,
  },
  async (ctx) => {
    const { id, token, expiresAt } = await createApiToken(ctx.tx, { userId: ctx.actor.userId, name: ctx.input.name, expiresInDays: ctx.input.expiresInDays });
    Object.assign(ctx.auditDetails, { tokenId: id, expiresAt: expiresAt?.toISOString() ?? null });
    return { id, token, expiresAt: expiresAt?.toISOString() ?? null };
  },
);

export const revokeTokenAction = action(
  {
    action: 'token.revoke',
    permission: 'token:manage',
    input: z.object({ id: z.uuid() }),
    project: () => null,
    target: (i) => ({ type: 'api_token', id: i.id }),
  },
  async (ctx) => {
    if (!(await revokeApiToken(ctx.tx, { id: ctx.input.id, userId: ctx.actor.userId }))) {
      throw new AppError('not_found', `token ${ctx.input.id} not found`);
    }
    return { revoked: ctx.input.id };
  },
);
