import { route } from '@/lib/auth/route';
import { createUserOp, listUsersOp } from '@/lib/admin/user-admin';

/** Users of the projects you administer (and users in no project); POST creates one with a one-time invitation link. */
export const GET = route(listUsersOp.spec, listUsersOp.run);
export const POST = route(createUserOp.spec, createUserOp.run);
