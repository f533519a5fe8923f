import { route } from '@/lib/auth/route';
import { ZAuditListQuery } from '@/lib/audit/audit-query';
import { listAuditEvents } from '@/lib/audit/list-audit-events';

/**
 * One page of the project's audit log, newest first: `{ events, nextCursor }`; filters actor, action
 * (exact or `run.`-style prefix), target (`type` or `type:id`), outcome, from, to; `cursor` from the previous page.
 */
export const GET = route({ action: 'audit.list', permission: 'audit:read', input: ZAuditListQuery, project: (i) => i.project }, async (ctx) => {
  const { project: _p, cursor, limit, ...filter } = ctx.input;
  const page = await listAuditEvents(ctx.tx, { projectId: ctx.project!.id, filter, cursor, limit });
  return { events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
});
