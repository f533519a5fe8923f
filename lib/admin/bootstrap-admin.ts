/**
 * The first admin of an install: run on the server with the database settings (`segflow admin
 * bootstrap`), no API and no token. Creates the admin user, a first project they administer (with its
 * de-identification secret generated and never shown) and audits it — all in one transaction, and
 * only while no admin exists: once one does, admins are managed by admins.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, projects, users } from '@/db/schema';
import { appendAuditEvent } from '../audit/append-audit-event';
import { hashPassword } from '../auth/password';
import type { Db } from '../db';
import { AppError } from '../errors';

// serialises two bootstraps racing: the "no admin yet" check and the insert commit together
const BOOTSTRAP_LOCK = 0x5eefb0;

export const ZBootstrapAdmin = z.object({
  email: z.email({ error: 'expected an email address' }).transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'expected a name'),
  password: z.string().min(12, 'the password must have at least 12 characters'),
  project: z.object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'expected lowercase letters, digits and dashes (2–63 characters)'),
    name: z.string().trim().min(1, 'expected a project name'),
  }),
});
export type TBootstrapAdmin = z.input<typeof ZBootstrapAdmin>;

export async function bootstrapAdmin(db: Db, input: TBootstrapAdmin): Promise<{ userId: string; projectId: string; projectSlug: string }> {
  const parsed = ZBootstrapAdmin.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    throw new AppError('invalid_input', `--${field === 'project.slug' ? 'project' : field === 'project.name' ? 'project-name' : field}: ${issue.message}`, {
      field,
    });
  }
  const p = parsed.data;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    const [admin] = await tx
      .select({ email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.role, 'admin'))
      .limit(1);
    if (admin)
      throw new AppError('conflict', `an admin already exists (${admin.email}): bootstrap only creates the first one; further admins are added by an admin`);
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, p.email)).limit(1);
    if (taken) throw new AppError('conflict', `--email: a user ${p.email} already exists`, { field: 'email' });
    const [slugTaken] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.slug, p.project.slug)).limit(1);
    if (slugTaken) throw new AppError('conflict', `--project: a project ${p.project.slug} already exists`, { field: 'project' });

    const [user] = await tx
      .insert(users)
      .values({ email: p.email, name: p.name, passwordHash: await hashPassword(p.password) })
      .returning({ id: users.id });
    const [project] = await tx
      .insert(projects)
      .values({ slug: p.project.slug, name: p.project.name, deidSecret: randomBytes(32).toString('hex') })
      .returning({ id: projects.id });
    await tx.insert(memberships).values({ userId: user.id, projectId: project.id, role: 'admin' });
    await appendAuditEvent(tx, {
      actorId: user.id,
      actorLabel: 'segflow admin bootstrap (server)',
      action: 'admin.bootstrap',
      targetType: 'user',
      targetId: user.id,
      projectId: project.id,
      outcome: 'success',
      requestId: randomUUID(),
      details: { email: p.email, project: p.project.slug },
    });
    return { userId: user.id, projectId: project.id, projectSlug: p.project.slug };
  });
}
