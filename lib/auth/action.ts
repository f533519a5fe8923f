import { isAppError, type AppErrorCode } from '../errors';
import { GUARD_META, runGuarded, type GuardContext, type GuardMeta, type GuardSpec } from './guard';
import { currentRequestHeaders } from './request-context';
import { logger } from '../log/logger';
import type { Permission } from './permissions';

const log = logger('http');

export type ActionResult<O> = { ok: true; data: O } | { ok: false; error: { code: AppErrorCode; message: string } };
export type GuardedAction<O> = ((input: unknown) => Promise<ActionResult<O>>) & { [GUARD_META]: GuardMeta };

/** Wraps a server action in the guard. Server actions are public endpoints: none skips this. */
export function action<I, O, P extends Permission, X = undefined>(
  spec: GuardSpec<I, P, X>,
  handler: (ctx: GuardContext<I, P, X>) => Promise<O>,
): GuardedAction<O> {
  const fn = async (input: unknown): Promise<ActionResult<O>> => {
    try {
      const headers = await currentRequestHeaders();
      return { ok: true, data: await runGuarded(spec, headers, input, handler) };
    } catch (err) {
      if (isAppError(err)) return { ok: false, error: { code: err.code, message: err.message } };
      log.error({ err, action: spec.action }, 'unhandled error in a server action');
      return { ok: false, error: { code: 'internal', message: 'internal error' } };
    }
  };
  return Object.assign(fn, { [GUARD_META]: { kind: 'action', action: spec.action, permission: spec.permission } as GuardMeta });
}
