import { route } from '@/lib/auth/route';
import { getDashboard } from '@/lib/dashboard/get-dashboard';
import { ZDashboardQuery } from '@/lib/dashboard/schemas';

/** Every chart of the operations dashboard for the project and range (24h, 7d, 30d). */
export const GET = route({ action: 'dashboard.read', permission: 'dashboard:read', input: ZDashboardQuery, project: (i) => i.project }, async (ctx) =>
  getDashboard(ctx.tx, { projectId: ctx.project!.id, slug: ctx.project!.slug, range: ctx.input.range }),
);
