import { route } from '@/lib/auth/route';
import { setGatePolicySpec, setGatePolicyWork } from '@/lib/rollout/gate-policy-endpoint';

/** PUT /api/models/:model/gate-policy {policy, reason}: the model's own gate fields over the deployment's ({} clears them). */
export const PUT = route(setGatePolicySpec, setGatePolicyWork);
