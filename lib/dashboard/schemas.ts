import { z } from 'zod';
import { ZDashboardRangeKey } from './dashboard-range';

/** GET /api/projects/:project/dashboard?range= */
export const ZDashboardQuery = z.object({ project: z.string().min(1), range: ZDashboardRangeKey.default('7d') });
