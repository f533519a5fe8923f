import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as dashboardRoute from '@/app/api/projects/[project]/dashboard/route';
import { auditEvents } from '@/db/schema';
import { getDb } from '@/lib/db';
import { createTestProject } from '@/test/test-project';
import { chainPendingAuditEvents } from '@/lib/audit/chain-pending-audit-events';

describe('dashboard reads in the audit log', () => {
  it('are audited once per user and project while the page refreshes, not once per refresh', async () => {
    const tp = await createTestProject(getDb());
    const get = () =>
      dashboardRoute.GET(
        new Request(`http://segflow.test/api/projects/${tp.slug}/dashboard?range=24h`, { headers: { authorization: `Bearer ${tp.users.operator.token}` } }),
        {
          params: Promise.resolve({ project: tp.slug }),
        },
      );
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    // reads are recorded pending in their own transaction; the chainer links them into the chain
    await chainPendingAuditEvents(getDb());
    const events = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'dashboard.read'), eq(auditEvents.actorId, tp.users.operator.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'success', projectId: tp.id, targetType: 'project', targetId: tp.slug });
  });
});
