import { route } from '@/lib/auth/route';
import { addMemberOp, listMembersOp } from '@/lib/admin/member-admin';

/** The project's members; POST adds an existing user ({ email, role }). Its admins only. */
export const GET = route(listMembersOp.spec, listMembersOp.run);
export const POST = route(addMemberOp.spec, addMemberOp.run);
