import { firstIssue, plainIssueMessage } from '../util/input-issues';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { appendAuditEvent, type NewAuditEvent } from '../audit/append-audit-event';
import { appendPendingAuditEvent } from '../audit/append-pending-audit-event';
import { auditedRecently } from '../audit/audited-recently';
import { getDb, type Db, type DbOrTx, type Tx } from '../db';
import { AppError, isAppError } from '../errors';
import { resolveActor, type Actor } from './actor';
import { authorize, type Authorized } from './authorize';
import { authorizeModel } from './authorize-model';
import { isReadPermission, type Permission } from './permissions';

/**
 * The one path every route handler and server action takes, in this order:
 * session → input validation (zod) → permission on the target project/row → prepare (optional,
 * outside any transaction) → work → audit event. A change and its audit event share one
 * transaction; a refusal is audited on its own. Events of reads are recorded pending (no global
 * lock; chained in order afterwards), all others chained at once.
 *
 * A read (a `…:read` permission) runs without a transaction of its own, unless it audits once per
 * window (which takes a lock) or concerns other projects: under PostgreSQL's READ COMMITTED a
 * transaction gives a read's statements no common snapshot anyway (each sees what was committed when
 * it began), and holding one costs two round trips (BEGIN, COMMIT) and, on the embedded PGlite, the
 * whole database while the request thinks. Its success event is written on its own after the work,
 * before anything is returned: a read whose event cannot be written returns nothing. The work of a
 * read gets the pool (`DbOrTx`), so the compiler keeps a change from running under a read permission.
 */
export interface GuardSpec<I, P extends Permission = Permission, X = undefined> {
  /** audit action name, e.g. 'upload.create' */
  action: string;
  permission: P;
  input: z.ZodType<I>;
  /** the project the target belongs to (id or slug), read from the input or the target row; null = global */
  project: (input: I, db: Db) => Promise<string | null> | string | null;
  /**
   * for an action on a model (its slot, grants, gate policy): the model (name or id) whose owning
   * project the permission is checked in (lib/auth/authorize-model.ts), instead of `project`
   */
  model?: (input: I) => string;
  /** what the audit event names as target */
  target?: (input: I) => { type: string; id: string | null };
  /**
   * audit a success once per actor, action and target within this many seconds, not per request:
   * for high-rate reads (DICOMweb viewers fetch hundreds of frames of one study). Refusals and
   * failures are still audited every time.
   */
  auditOncePerS?: number;
  /**
   * for an action on a shared resource (a model): the projects it concerns (the owner and the
   * projects granted it). Its success event is written into each of their logs and the target
   * project's (one event per project, one request id); with none, once without a project.
   */
  concerns?: (input: I, tx: Tx) => Promise<string[]>;
  /**
   * work that reads and computes but writes nothing, and may take long (a model's checks): it runs
   * after authorization, on the pool, before the transaction of the work opens, and its result
   * reaches the work as `ctx.prepared`. So a transaction (and its row locks, and on the embedded
   * PGlite the whole database) is held only while the change is written. What it read may have
   * changed by then: the work checks again what it relies on, under its locks. A failure here is
   * audited as the work's would be.
   */
  prepare?: (ctx: PrepareContext<I>) => Promise<X>;
}

/** What `prepare` gets: the authorized caller, the input and the pool. */
export interface PrepareContext<I> extends Authorized {
  actor: Actor;
  input: I;
  db: Db;
  requestId: string;
}

/** What a guarded work gets to run its statements on: a transaction for a change, the pool for a read. */
export type TxOf<P extends Permission> = P extends `${string}:read` ? DbOrTx : Tx;

export interface GuardContext<I, P extends Permission = Permission, X = undefined> extends Authorized {
  actor: Actor;
  input: I;
  tx: TxOf<P>;
  /** what the spec's `prepare` gave (undefined without one) */
  prepared: X;
  requestId: string;
  /** adds fields to the success audit event's details */
  auditDetails: Record<string, unknown>;
  /** the project the success audit event names, when the work decides it (a project just created); default: the target project */
  auditProjectId?: string | null;
}

export const GUARD_META = Symbol.for('segflow.guard');
export interface GuardMeta {
  kind: 'route' | 'action';
  action: string;
  permission: Permission;
}

export function guardMetaOf(fn: unknown): GuardMeta | undefined {
  return (fn as { [GUARD_META]?: GuardMeta } | null)?.[GUARD_META];
}

export async function runGuarded<I, O, P extends Permission, X = undefined>(
  spec: GuardSpec<I, P, X>,
  headers: Headers,
  rawInput: unknown,
  work: (ctx: GuardContext<I, P, X>) => Promise<O>,
): Promise<O> {
  const db = getDb();
  // a caller's correlation id is kept only when it is short and plain; it goes into the hash chain
  const given = headers.get('x-request-id');
  const requestId = given && /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : randomUUID();
  const actor = await resolveActor(db, headers);
  if (!actor) throw new AppError('unauthenticated', 'sign in or send an API token');

  const parsed = spec.input.safeParse(rawInput, { error: plainIssueMessage });
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    throw new AppError('invalid_input', `${field}: ${message}`, { field });
  }
  const input = parsed.data;
  const target = spec.target?.(input) ?? { type: null, id: null };
  const base = {
    actorId: actor.userId,
    actorLabel: actor.email,
    action: spec.action,
    targetType: target.type,
    targetId: target.id,
    requestId,
  };
  const audit = async (tx: DbOrTx, e: NewAuditEvent): Promise<void> => {
    await (isReadPermission(spec.permission) ? appendPendingAuditEvent(tx, e) : appendAuditEvent(tx, e));
  };

  let authorized: Authorized;
  try {
    authorized = spec.model
      ? await authorizeModel(db, actor, spec.permission, spec.model(input))
      : authorize(actor, spec.permission, await spec.project(input, db));
  } catch (err) {
    if (isAppError(err)) {
      await db.transaction((tx) =>
        audit(tx, {
          ...base,
          // a refusal inside a project the caller belongs to shows in that project's log
          projectId: typeof err.details?.projectId === 'string' ? err.details.projectId : null,
          outcome: 'denied',
          details: { code: err.code, permission: spec.permission },
        }),
      );
    }
    throw err;
  }

  const failed = async (err: unknown): Promise<never> => {
    await db.transaction((tx) =>
      audit(tx, {
        ...base,
        projectId: authorized.project?.id ?? null,
        outcome: 'failure',
        details: { code: isAppError(err) ? err.code : 'internal' },
      }),
    );
    throw err;
  };

  let prepared = undefined as X;
  if (spec.prepare) {
    try {
      prepared = await spec.prepare({ ...authorized, actor, input, db, requestId });
    } catch (err) {
      return failed(err);
    }
  }

  if (isReadPermission(spec.permission) && !spec.auditOncePerS && !spec.concerns) {
    const ctx: GuardContext<I, P, X> = { ...authorized, actor, input, tx: db as TxOf<P>, prepared, requestId, auditDetails: {} };
    let out: O;
    try {
      out = await work(ctx);
    } catch (err) {
      return failed(err);
    }
    await audit(db, { ...base, projectId: ctx.auditProjectId ?? authorized.project?.id ?? null, outcome: 'success', details: ctx.auditDetails });
    return out;
  }

  try {
    return await db.transaction(async (tx) => {
      const ctx: GuardContext<I, P, X> = { ...authorized, actor, input, tx: tx as TxOf<P>, prepared, requestId, auditDetails: {} };
      const out = await work(ctx);
      if (spec.auditOncePerS && (await auditedRecently(tx, { ...base, actorId: actor.userId, seconds: spec.auditOncePerS }))) return out;
      const projectIds = ctx.auditProjectId
        ? [ctx.auditProjectId]
        : spec.concerns
          ? [...new Set([...(authorized.project ? [authorized.project.id] : []), ...(await spec.concerns(input, tx))])]
          : authorized.project
            ? [authorized.project.id]
            : [];
      for (const projectId of projectIds.length ? projectIds : [null]) {
        await audit(tx, { ...base, projectId, outcome: 'success', details: ctx.auditDetails });
      }
      return out;
    });
  } catch (err) {
    return failed(err);
  }
}
