import { z } from 'zod';
import { blankToUndefined, ZWhen } from '../runs/list-runs-query';
import { ZPageLimit } from '../util/page-limit';

const text = (max: number) => z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).max(max).optional());

/**
 * The audit log's filters, as the URL, the API and the export take them: actor (e-mail or user id),
 * action (exact, or a prefix ending in `.` or `*`: `run.` / `promotion.*`), target (`type` or
 * `type:id`), outcome, from/to (as on Runs and Studies: `from` inclusive, `to` exclusive, and a bare date `to`
 * includes that whole day, so one day in both is that day), and the keyset
 * cursor (the `seq` of the last event of the previous page).
 */
export const ZAuditFilter = z.object({
  actor: text(320),
  action: text(100),
  target: text(300),
  outcome: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['success', 'denied', 'failure'], { error: 'expected success, denied or failure' }).optional(),
  ),
  from: z.preprocess(blankToUndefined, ZWhen('from').optional()),
  to: z.preprocess(blankToUndefined, ZWhen('to').optional()),
});
/** an empty range is a mistake to say, not an empty log (as on Runs and Studies) */
const toAfterFrom = (f: { from?: Date; to?: Date }, ctx: z.RefinementCtx) => {
  if (f.from && f.to && f.from >= f.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
};
export type TAuditFilter = z.infer<typeof ZAuditFilter>;

export const ZAuditListQuery = ZAuditFilter.extend({
  project: z.string().min(1),
  cursor: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive({ error: 'cursor: not a cursor this list handed out' }).optional()),
  limit: ZPageLimit(500, 100),
}).superRefine(toAfterFrom);

export const ZAuditExportQuery = ZAuditFilter.extend({
  project: z.string().min(1),
  format: z.enum(['jsonl', 'csv'], { error: 'expected jsonl or csv' }).default('jsonl'),
}).superRefine(toAfterFrom);

/** the filter as URL parameters (the page's links and the export link keep it) */
export function auditFilterParams(f: Partial<Record<keyof TAuditFilter, string | undefined>>): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) sp.set(k, v);
  return sp;
}
