/**
 * The first admin of an install: run on the server with the database settings (`segflow admin
 * bootstrap`), no API and no token. Creates the admin user, a first project they administer (with its
 * de-identification secret generated and never shown) and audits it — all in one transaction, and
 * only while no admin exists: once one does, admins are managed by admins.
 */
import { plainIssueMessage } from '../util/input-issues';
import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, projects, users } from '@/db/schema';
import { appendAuditEvent } from '../audit/append-audit-event';
import { hashPassword } from '../auth/password';
import type { Db } from '../db';
import { AppError } from '../errors';
import { issueInvitation } from './invitations';
import { ZPassword, ZSlug } from './schemas';

// serialises two bootstraps racing: the "no admin yet" check and the insert commit together
const BOOTSTRAP_LOCK = 0x5eefb0;

export const ZBootstrapAdmin = z.object({
  email: z.email({ error: 'expected an email address' }).transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'expected a name'),
  /** none: a one-time invitation link sets it (printed once) */
  password: ZPassword.optional(),
  project: z.object({
    slug: ZSlug,
    name: z.string().trim().min(1, 'expected a project name'),
  }),
});
export type TBootstrapAdmin = z.input<typeof ZBootstrapAdmin>;

export async function bootstrapAdmin(
  db: Db,
  input: TBootstrapAdmin,
): Promise<{ userId: string; projectId: string; projectSlug: string; invitation: { url: string; expiresAt: Date } | null }> {
  const parsed = ZBootstrapAdmin.safeParse(input, { error: plainIssueMessage });
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
      .values({ email: p.email, name: p.name, passwordHash: p.password ? await hashPassword(p.password) : null })
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
    const invitation = p.password ? null : await issueInvitation(tx, { userId: user.id, createdBy: null });
    return { userId: user.id, projectId: project.id, projectSlug: p.project.slug, invitation };
  });
}
