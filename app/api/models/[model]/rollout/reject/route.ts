import { rolloutRoute } from '@/lib/rollout/rollout-route';

/** POST /api/models/:model/rollout/reject {version, reason}: declines the open promotion request (lib/rollout/rollout-route.ts) */
export const POST = rolloutRoute('reject');
