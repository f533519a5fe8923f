import { rolloutRoute } from '@/lib/rollout/rollout-route';

/** POST /api/models/:model/rollout/rollback {version, reason} (lib/rollout/rollout-route.ts) */
export const POST = rolloutRoute('rollback');
