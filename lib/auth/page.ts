import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { getDb } from '../db';
import { AppError, isAppError } from '../errors';
import { resolveActor, type Actor } from './actor';
import { PATH_HEADER, signInHref } from './return-path';
import { runGuarded, type GuardContext, type GuardSpec } from './guard';
import type { Permission } from './permissions';

/** The signed-in user for a server component; sends anyone else to the sign-in page. */
export async function requirePageActor(): Promise<Actor> {
  const h = await headers();
  const actor = await resolveActor(getDb(), new Headers(h));
  if (!actor) redirect(signInHref(h.get(PATH_HEADER)));
  return actor;
}

export type PageResult<O> = { ok: true; data: O } | { ok: false; code: string; message: string };

/**
 * Server components load data through the same guard as routes and actions (permission + audit),
 * so reading PHI on a page is audited exactly like reading it through the API.
 */
export async function loadGuarded<I, O, P extends Permission>(
  spec: GuardSpec<I, P>,
  input: unknown,
  work: (ctx: GuardContext<I, P>) => Promise<O>,
): Promise<PageResult<O>> {
  try {
    return { ok: true, data: await runGuarded(spec, new Headers(await headers()), input, work) };
  } catch (err) {
    if (isAppError(err) && err.code === 'unauthenticated') redirect(signInHref((await headers()).get(PATH_HEADER)));
    if (isAppError(err)) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

export { AppError };
