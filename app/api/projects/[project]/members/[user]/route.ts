import { route } from '@/lib/auth/route';
import { removeMemberOp, setMemberRoleOp } from '@/lib/admin/member-admin';

/** Changes a member's role ({ role }) or removes them; never the project's last admin. */
export const PATCH = route(setMemberRoleOp.spec, setMemberRoleOp.run);
export const DELETE = route(removeMemberOp.spec, removeMemberOp.run);
