import { rolloutRoute } from '@/lib/rollout/rollout-route';

/** POST /api/models/:model/rollout/shadow {version, reason} (lib/rollout/rollout-route.ts) */
export const POST = rolloutRoute('shadow');
