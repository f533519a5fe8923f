/**
 * Memberships of one project, by that project's admins: list, add an existing user with a role,
 * change a role, remove. The last admin of a project can be neither demoted nor removed.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, users } from '@/db/schema';
import type { Role } from '../auth/permissions';
import { AppError } from '../errors';
import { adminOp } from './admin-op';
import { findUser } from './find-user';
import { assertAnotherAdmin } from './last-admin';
import { ZRole, ZUserRef } from './schemas';

export interface MemberDto {
  userId: string;
  email: string;
  name: string;
  role: Role;
  since: string;
  deactivated: boolean;
}

const ZProject = z.string().min(1);

export const listMembersOp = adminOp(
  { action: 'admin.member.list', permission: 'project:manage', input: z.object({ project: ZProject }), project: (i) => i.project },
  async (ctx): Promise<{ members: MemberDto[] }> => {
    const rows = await ctx.tx
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        since: memberships.createdAt,
        deactivatedAt: users.deactivatedAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.projectId, ctx.project!.id))
      .orderBy(users.email);
    return {
      members: rows.map((r) => ({
        userId: r.userId,
        email: r.email,
        name: r.name,
        role: r.role,
        since: r.since.toISOString(),
        deactivated: r.deactivatedAt != null,
      })),
    };
  },
);

export const addMemberOp = adminOp(
  {
    action: 'admin.member.add',
    permission: 'project:manage',
    input: z.object({ project: ZProject, email: ZUserRef, role: ZRole }),
    project: (i) => i.project,
    target: (i) => ({ type: 'user', id: i.email }),
  },
  async (ctx): Promise<{ member: { userId: string; email: string; role: Role } }> => {
    const user = await findUser(ctx.tx, ctx.input.email, 'email');
    if (user.deactivatedAt) throw new AppError('conflict', `email: ${user.email} is deactivated`, { field: 'email' });
    const added = await ctx.tx
      .insert(memberships)
      .values({ userId: user.id, projectId: ctx.project!.id, role: ctx.input.role })
      .onConflictDoNothing()
      .returning({ userId: memberships.userId });
    if (!added.length)
      throw new AppError('conflict', `email: ${user.email} is already a member of ${ctx.project!.slug}; change their role instead`, { field: 'email' });
    Object.assign(ctx.auditDetails, { userId: user.id, email: user.email, role: ctx.input.role });
    return { member: { userId: user.id, email: user.email, role: ctx.input.role } };
  },
);

async function membershipOf(ctx: { tx: Parameters<typeof findUser>[0]; project: { id: string; slug: string } | null }, ref: string) {
  const user = await findUser(ctx.tx, ref);
  const [m] = await ctx.tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, user.id), eq(memberships.projectId, ctx.project!.id)))
    .limit(1);
  if (!m) throw new AppError('not_found', `user: ${user.email} is not a member of ${ctx.project!.slug}`, { field: 'user' });
  return { user, role: m.role };
}

export const setMemberRoleOp = adminOp(
  {
    action: 'admin.member.role',
    permission: 'project:manage',
    input: z.object({ project: ZProject, user: ZUserRef, role: ZRole }),
    project: (i) => i.project,
    target: (i) => ({ type: 'user', id: i.user }),
  },
  async (ctx): Promise<{ member: { userId: string; email: string; role: Role } }> => {
    const { user, role } = await membershipOf(ctx, ctx.input.user);
    if (role === 'admin' && ctx.input.role !== 'admin')
      await assertAnotherAdmin(ctx.tx, { projectId: ctx.project!.id, projectSlug: ctx.project!.slug, userId: user.id, what: `role of ${user.email}` });
    await ctx.tx
      .update(memberships)
      .set({ role: ctx.input.role })
      .where(and(eq(memberships.userId, user.id), eq(memberships.projectId, ctx.project!.id)));
    Object.assign(ctx.auditDetails, { userId: user.id, email: user.email, from: role, to: ctx.input.role });
    return { member: { userId: user.id, email: user.email, role: ctx.input.role } };
  },
);

export const removeMemberOp = adminOp(
  {
    action: 'admin.member.remove',
    permission: 'project:manage',
    input: z.object({ project: ZProject, user: ZUserRef }),
    project: (i) => i.project,
    target: (i) => ({ type: 'user', id: i.user }),
  },
  async (ctx): Promise<{ removed: { userId: string; email: string } }> => {
    const { user, role } = await membershipOf(ctx, ctx.input.user);
    if (role === 'admin')
      await assertAnotherAdmin(ctx.tx, { projectId: ctx.project!.id, projectSlug: ctx.project!.slug, userId: user.id, what: `removing ${user.email}` });
    await ctx.tx.delete(memberships).where(and(eq(memberships.userId, user.id), eq(memberships.projectId, ctx.project!.id)));
    Object.assign(ctx.auditDetails, { userId: user.id, email: user.email, role });
    return { removed: { userId: user.id, email: user.email } };
  },
);
