import { route } from '@/lib/auth/route';
import { getDashboard } from '@/lib/dashboard/get-dashboard';
import { rangeSpecOf } from '@/lib/dashboard/dashboard-range';
import { ZDashboardQuery } from '@/lib/dashboard/schemas';

/**
 * Every chart of the operations dashboard for the project and range (24h, 7d, 30d, or custom from/to days). The page refreshes
 * it every 30 s while visible: audited once per user and project per 10 minutes, not per refresh.
 */
export const GET = route(
  {
    action: 'dashboard.read',
    permission: 'dashboard:read',
    input: ZDashboardQuery,
    project: (i) => i.project,
    target: (i) => ({ type: 'project', id: i.project }),
    auditOncePerS: 600,
  },
  async (ctx) => getDashboard(ctx.tx, { projectId: ctx.project!.id, slug: ctx.project!.slug, range: rangeSpecOf(ctx.input) }),
);
