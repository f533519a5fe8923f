import { route } from '@/lib/auth/route';
import { resetUserOp } from '@/lib/admin/user-admin';

/** Clears a user's password and answers a new one-time invitation link. */
export const POST = route(resetUserOp.spec, resetUserOp.run);
