/**
 * Projects, by their admins: list the ones you administer, create one (any admin; the creator
 * administers it; its de-identification secret is generated here and never shown), rename,
 * archive or unarchive (admins of that project only). Rotating the secret is not offered: it would
 * change every de-identified UID and pseudonym produced from then on (see README).
 */
import { randomBytes } from 'node:crypto';
import { count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, projects } from '@/db/schema';
import { AppError } from '../errors';
import { adminOp } from './admin-op';
import { administeredProjectIds } from './administered-projects';
import { ZName, ZSlug } from './schemas';

export interface AdminProjectDto {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
  archivedAt: string | null;
  members: number;
}

export const listProjectsOp = adminOp(
  { action: 'admin.project.list', permission: 'project:manage', input: z.object({}), project: () => null },
  async (ctx): Promise<{ projects: AdminProjectDto[] }> => {
    const ids = administeredProjectIds(ctx.actor);
    if (!ids.length) return { projects: [] };
    const rows = await ctx.tx
      .select({
        id: projects.id,
        slug: projects.slug,
        name: projects.name,
        createdAt: projects.createdAt,
        archivedAt: projects.archivedAt,
        members: count(memberships.userId),
      })
      .from(projects)
      .leftJoin(memberships, eq(memberships.projectId, projects.id))
      .where(inArray(projects.id, ids))
      .groupBy(projects.id)
      .orderBy(projects.slug);
    return {
      projects: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), archivedAt: r.archivedAt?.toISOString() ?? null, members: Number(r.members) })),
    };
  },
);

export const createProjectOp = adminOp(
  {
    action: 'admin.project.create',
    permission: 'project:manage',
    input: z.object({ slug: ZSlug, name: ZName }),
    project: () => null,
    target: (i) => ({ type: 'project', id: i.slug }),
  },
  async (ctx): Promise<{ project: { id: string; slug: string; name: string } }> => {
    const [taken] = await ctx.tx.select({ id: projects.id }).from(projects).where(eq(projects.slug, ctx.input.slug)).limit(1);
    if (taken) throw new AppError('conflict', `slug: a project ${ctx.input.slug} already exists`, { field: 'slug' });
    const [project] = await ctx.tx
      .insert(projects)
      .values({ slug: ctx.input.slug, name: ctx.input.name, deidSecret: randomBytes(32).toString('hex') })
      .returning({ id: projects.id, slug: projects.slug, name: projects.name });
    await ctx.tx.insert(memberships).values({ userId: ctx.actor.userId, projectId: project.id, role: 'admin' });
    ctx.auditProjectId = project.id;
    Object.assign(ctx.auditDetails, { slug: project.slug, name: project.name });
    return { project };
  },
);

export const updateProjectOp = adminOp(
  {
    action: 'admin.project.update',
    permission: 'project:manage',
    input: z
      .object({ project: z.string().min(1), name: ZName.optional(), archived: z.boolean({ error: 'expected true or false' }).optional() })
      .refine((i) => i.name !== undefined || i.archived !== undefined, { message: 'give a new name or archived: true/false', path: ['name'] }),
    project: (i) => i.project,
    target: (i) => ({ type: 'project', id: i.project }),
  },
  async (ctx): Promise<{ project: { slug: string; name: string; archivedAt: string | null } }> => {
    const [row] = await ctx.tx
      .update(projects)
      .set({
        ...(ctx.input.name !== undefined ? { name: ctx.input.name } : {}),
        ...(ctx.input.archived !== undefined ? { archivedAt: ctx.input.archived ? new Date() : null } : {}),
      })
      .where(eq(projects.id, ctx.project!.id))
      .returning({ slug: projects.slug, name: projects.name, archivedAt: projects.archivedAt });
    Object.assign(ctx.auditDetails, { name: ctx.input.name, archived: ctx.input.archived });
    return { project: { slug: row.slug, name: row.name, archivedAt: row.archivedAt?.toISOString() ?? null } };
  },
);
