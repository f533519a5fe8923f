import { z } from 'zod';
import { checkCustomRange, ZDashboardRangeFields } from './dashboard-range';

/** GET /api/projects/:project/dashboard?range= (24h, 7d, 30d) or ?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD */
export const ZDashboardQuery = z.object({ project: z.string().min(1), ...ZDashboardRangeFields }).superRefine(checkCustomRange);

/** The dashboard page's query: as the API's, with no project when the user has none to pick. */
export const ZDashboardPageQuery = z.object({ project: z.string().nullable(), ...ZDashboardRangeFields }).superRefine(checkCustomRange);
