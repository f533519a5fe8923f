'use server';
import { action } from '@/lib/auth/action';
import { addMemberOp, removeMemberOp, setMemberRoleOp } from '@/lib/admin/member-admin';
import { createProjectOp, updateProjectOp } from '@/lib/admin/project-admin';
import { createUserOp, deactivateUserOp, resetUserOp } from '@/lib/admin/user-admin';

// the /admin pages' forms: the same operations (guard spec and work) as the REST routes
export const createProjectAction = action(createProjectOp.spec, createProjectOp.run);
export const updateProjectAction = action(updateProjectOp.spec, updateProjectOp.run);
export const addMemberAction = action(addMemberOp.spec, addMemberOp.run);
export const setMemberRoleAction = action(setMemberRoleOp.spec, setMemberRoleOp.run);
export const removeMemberAction = action(removeMemberOp.spec, removeMemberOp.run);
export const createUserAction = action(createUserOp.spec, createUserOp.run);
export const deactivateUserAction = action(deactivateUserOp.spec, deactivateUserOp.run);
export const resetUserAction = action(resetUserOp.spec, resetUserOp.run);
