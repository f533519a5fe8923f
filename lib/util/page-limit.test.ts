import { describe, expect, it } from 'vitest';
import { ZAuditListQuery } from '@/lib/audit/audit-query';
import { ZListRunsQuery } from '@/lib/runs/list-runs-query';
import { ZListStudiesQuery } from '@/lib/studies/list-studies-query';
import { plainIssueMessage } from '@/lib/util/input-issues';
import { ZListDeliveries } from '@/lib/webhooks/schemas';

/** the limit issue of a list query as the API words it (`field: message`), or the parsed limit */
function limitOf(
  schema: { safeParse: (v: unknown, o: object) => { success: boolean; data?: unknown; error?: { issues: { path: PropertyKey[]; message: string }[] } } },
  limit?: string,
) {
  const r = schema.safeParse({ project: 'demo', ...(limit === undefined ? {} : { limit }) }, { error: plainIssueMessage });
  if (r.success) return (r.data as { limit: number }).limit;
  const issue = r.error!.issues.find((i) => i.path[0] === 'limit');
  return issue ? `limit: ${issue.message}` : 'no limit issue';
}

describe('the limit of a list query', () => {
  const lists = [
    ['runs', ZListRunsQuery, 200, 50],
    ['studies', ZListStudiesQuery, 200, 50],
    ['audit', ZAuditListQuery, 500, 100],
    ['webhook deliveries', ZListDeliveries, 200, 50],
  ] as const;

  for (const [name, schema, max, fallback] of lists) {
    it(`${name}: says the bounds for 0, too large, a fraction or text; takes a value in range; defaults when absent`, () => {
      const words = `limit: must be a whole number from 1 to ${max}`;
      for (const bad of ['0', String(max + 1), '1000', '2.5', '-1', 'abc']) expect(limitOf(schema, bad), bad).toBe(words);
      expect(limitOf(schema, '1')).toBe(1);
      expect(limitOf(schema, String(max))).toBe(max);
      expect(limitOf(schema)).toBe(fallback);
    });
  }
});
