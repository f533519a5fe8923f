import { route } from '@/lib/auth/route';
import { deactivateUserOp } from '@/lib/admin/user-admin';

/** Deactivates a user: no sign-in, their sessions and API tokens stop working. */
export const POST = route(deactivateUserOp.spec, deactivateUserOp.run);
