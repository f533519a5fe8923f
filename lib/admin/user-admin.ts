/**
 * Users, by admins (ownership model: administered-projects.ts). Create one with a one-time
 * invitation link (or a password, for scripts), optionally straight into a project you administer
 * with a role — for OIDC users the invitation is this row: they sign in only when it exists, and
 * their membership is the one given here. Deactivate (no sign-in, sessions and API tokens stop
 * working at once) and reset (password cleared, a new link) are allowed only on users who belong
 * to no project you do not administer; a project's last admin cannot be deactivated.
 */
import { and, eq, inArray, isNull, notExists, or } from 'drizzle-orm';
import { z } from 'zod';
import { apiTokens, memberships, projects, users } from '@/db/schema';
import type { Actor } from '../auth/actor';
import type { Role } from '../auth/permissions';
import { hashPassword } from '../auth/password';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { adminOp } from './admin-op';
import { administeredProjectIds, projectsBeyondActor } from './administered-projects';
import { findUser } from './find-user';
import { issueInvitation } from './invitations';
import { assertAnotherAdmin } from './last-admin';
import { ZEmail, ZName, ZPassword, ZRole, ZUserRef } from './schemas';

export interface AdminUserDto {
  id: string;
  email: string;
  name: string;
  createdAt: string;
  deactivated: boolean;
  /** a password is set (invitation accepted); OIDC users never have one */
  hasPassword: boolean;
  /** memberships in the projects the caller administers */
  memberships: { project: string; role: Role }[];
}

export const listUsersOp = adminOp(
  { action: 'admin.user.list', permission: 'project:manage', input: z.object({}), project: () => null },
  async (ctx): Promise<{ users: AdminUserDto[] }> => {
    const mine = administeredProjectIds(ctx.actor);
    const rows = await ctx.tx
      .select()
      .from(users)
      .where(
        or(
          inArray(users.id, ctx.tx.select({ id: memberships.userId }).from(memberships).where(inArray(memberships.projectId, mine))),
          notExists(ctx.tx.select({ one: memberships.userId }).from(memberships).where(eq(memberships.userId, users.id))),
        ),
      )
      .orderBy(users.email);
    const ms = rows.length
      ? await ctx.tx
          .select({ userId: memberships.userId, project: projects.slug, role: memberships.role })
          .from(memberships)
          .innerJoin(projects, eq(projects.id, memberships.projectId))
          .where(
            and(
              inArray(memberships.projectId, mine),
              inArray(
                memberships.userId,
                rows.map((r) => r.id),
              ),
            ),
          )
      : [];
    return {
      users: rows.map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        createdAt: u.createdAt.toISOString(),
        deactivated: u.deactivatedAt != null,
        hasPassword: u.passwordHash != null,
        memberships: ms.filter((m) => m.userId === u.id).map((m) => ({ project: m.project, role: m.role })),
      })),
    };
  },
);

export const createUserOp = adminOp(
  {
    action: 'admin.user.create',
    permission: 'project:manage',
    input: z
      .object({ email: ZEmail, name: ZName, project: z.string().min(1).optional(), role: ZRole.optional(), password: ZPassword.optional() })
      .refine((i) => (i.project === undefined) === (i.role === undefined), { message: 'give project and role together', path: ['role'] }),
    project: () => null,
    target: (i) => ({ type: 'user', id: i.email }),
  },
  async (ctx): Promise<{ user: { id: string; email: string; name: string }; invitation: { url: string; expiresAt: string } | null }> => {
    const project = ctx.input.project ? administered(ctx.actor, ctx.input.project) : null;
    const [taken] = await ctx.tx.select({ id: users.id }).from(users).where(eq(users.email, ctx.input.email)).limit(1);
    if (taken) throw new AppError('conflict', `email: a user ${ctx.input.email} already exists; add them to a project instead`, { field: 'email' });
    const [user] = await ctx.tx
      .insert(users)
      .values({ email: ctx.input.email, name: ctx.input.name, passwordHash: ctx.input.password ? await hashPassword(ctx.input.password) : null })
      .returning({ id: users.id, email: users.email, name: users.name });
    if (project) await ctx.tx.insert(memberships).values({ userId: user.id, projectId: project.projectId, role: ctx.input.role! });
    const invitation = ctx.input.password ? null : await issueInvitation(ctx.tx, { userId: user.id, createdBy: ctx.actor.userId });
    ctx.auditProjectId = project?.projectId ?? null;
    // the link is a credential: it goes to the admin once, never into the log
    Object.assign(ctx.auditDetails, { userId: user.id, email: user.email, project: project?.slug, role: ctx.input.role, invitation: Boolean(invitation) });
    return { user, invitation: invitation && { url: invitation.url, expiresAt: invitation.expiresAt.toISOString() } };
  },
);

/** a project the actor administers, by slug or id; any other is "not found" (no probing) */
function administered(actor: Actor, ref: string): { projectId: string; slug: string } {
  const m = actor.memberships.find((x) => (x.slug === ref || x.projectId === ref) && x.role === 'admin');
  if (!m) throw new AppError('not_found', `project: no project ${ref} that you administer`, { field: 'project' });
  return { projectId: m.projectId, slug: m.slug };
}

/** the user, when the actor may change them: every project they belong to is one the actor administers */
async function changeableUser(tx: DbOrTx, actor: Actor, ref: string, what: string) {
  const user = await findUser(tx, ref);
  const beyond = await projectsBeyondActor(tx, actor, user.id);
  if (beyond.length)
    throw new AppError(
      'forbidden',
      `${what} ${user.email}: they are also a member of a project you do not administer; an admin of every project they belong to can`,
    );
  const adminOf = await tx
    .select({ projectId: memberships.projectId, slug: projects.slug })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(and(eq(memberships.userId, user.id), eq(memberships.role, 'admin')));
  const projectIds = (await tx.select({ id: memberships.projectId }).from(memberships).where(eq(memberships.userId, user.id))).map((r) => r.id);
  return { user, adminOf, projectIds };
}

const ZUserAction = z.object({ user: ZUserRef });

export const deactivateUserOp = adminOp(
  { action: 'admin.user.deactivate', permission: 'project:manage', input: ZUserAction, project: () => null, target: (i) => ({ type: 'user', id: i.user }) },
  async (ctx): Promise<{ user: { id: string; email: string; deactivated: true } }> => {
    const { user, adminOf, projectIds } = await changeableUser(ctx.tx, ctx.actor, ctx.input.user, 'deactivate');
    for (const p of adminOf)
      await assertAnotherAdmin(ctx.tx, { projectId: p.projectId, projectSlug: p.slug, userId: user.id, what: `deactivate ${user.email}` });
    await ctx.tx.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, user.id));
    await ctx.tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)));
    ctx.auditProjectId = projectIds[0] ?? null;
    Object.assign(ctx.auditDetails, { userId: user.id, email: user.email, projects: projectIds });
    return { user: { id: user.id, email: user.email, deactivated: true } };
  },
);

export const resetUserOp = adminOp(
  { action: 'admin.user.reset', permission: 'project:manage', input: ZUserAction, project: () => null, target: (i) => ({ type: 'user', id: i.user }) },
  async (ctx): Promise<{ user: { id: string; email: string }; invitation: { url: string; expiresAt: string } }> => {
    const { user, projectIds } = await changeableUser(ctx.tx, ctx.actor, ctx.input.user, 'reset');
    if (user.deactivatedAt) throw new AppError('conflict', `user: ${user.email} is deactivated`, { field: 'user' });
    await ctx.tx.update(users).set({ passwordHash: null }).where(eq(users.id, user.id));
    const invitation = await issueInvitation(ctx.tx, { userId: user.id, createdBy: ctx.actor.userId });
    ctx.auditProjectId = projectIds[0] ?? null;
    Object.assign(ctx.auditDetails, { userId: user.id, email: user.email, projects: projectIds });
    return { user: { id: user.id, email: user.email }, invitation: { url: invitation.url, expiresAt: invitation.expiresAt.toISOString() } };
  },
);
