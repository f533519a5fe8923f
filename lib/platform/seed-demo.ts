import { and, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { memberships, projects, users } from '@/db/schema';
import { createApiToken, findUserIdByToken } from '../auth/api-tokens';
import { hashPassword } from '../auth/password';
import { ROLES, type Role } from '../auth/permissions';
import type { Db } from '../db';

export const DEMO_PROJECT_SLUG = 'demo';

export const DEMO_USERS: Record<Role, { email: string; name: string; password: string }> = {
  researcher: { email: 'researcher@demo.segflow', name: 'Rita Researcher', password: 'demo-researcher' },
  reviewer: { email: 'reviewer@demo.segflow', name: 'Rex Reviewer', password: 'demo-reviewer' },
  operator: { email: 'operator@demo.segflow', name: 'Olga Operator', password: 'demo-operator' },
  admin: { email: 'admin@demo.segflow', name: 'Ada Admin', password: 'demo-admin' },
};

/**
 * A second demo operator, so a newcomer can walk the whole rollout: a promotion is approved by
 * someone other than its requester (Request as operator, Approve as operator2).
 */
export const DEMO_SECOND_OPERATOR = { email: 'operator2@demo.segflow', name: 'Otto Operator', password: 'demo-operator2' } as const;

/** every demo login with its role in the demo project (printed at start, listed in the README) */
export const DEMO_LOGINS: { label: string; role: Role; email: string; name: string; password: string }[] = [
  ...ROLES.map((role) => ({ label: role, role, ...DEMO_USERS[role] })),
  { label: 'operator2', role: 'operator', ...DEMO_SECOND_OPERATOR },
];

/** by login label: one per role, and `operator2` (the second operator approves what the first requests) */
export type DemoTokens = Record<Role | 'operator2', string>;

/** written into demo-tokens.json next to the tokens: what they are, for whoever opens the file */
export const DEMO_TOKENS_NOTE =
  "Demo API tokens of segflow's embedded demo mode: one per demo user, whose passwords are published. They never expire; use them only for a local demo. Outside demo mode none are created: create tokens under Settings → API tokens.";

async function ensureProject(db: Db, slug: string, name: string): Promise<string> {
  const [existing] = await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug)).limit(1);
  if (existing) return existing.id;
  const [row] = await db
    .insert(projects)
    .values({ slug, name, deidSecret: randomBytes(32).toString('hex') })
    .onConflictDoNothing()
    .returning({ id: projects.id });
  if (row) return row.id;
  const [again] = await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug)).limit(1);
  return again.id;
}

async function ensureUser(db: Db, u: { email: string; name: string; password: string }): Promise<string> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, u.email)).limit(1);
  if (existing) return existing.id;
  const [row] = await db
    .insert(users)
    .values({ email: u.email, name: u.name, passwordHash: await hashPassword(u.password) })
    .returning({ id: users.id });
  return row.id;
}

async function ensureMembership(db: Db, m: { userId: string; projectId: string; role: Role }): Promise<void> {
  await db.insert(memberships).values(m).onConflictDoNothing();
  await db
    .update(memberships)
    .set({ role: m.role })
    .where(and(eq(memberships.userId, m.userId), eq(memberships.projectId, m.projectId)));
}

/**
 * Demo data for the embedded default (and `segflow seed`, or SEGFLOW_DEMO with an external
 * database): the `demo` project, one user per role and a second operator, and an API token per demo login written to
 * `tokensFile` with a note saying they are demo tokens (reused while still valid, so a second start keeps them).
 * Idempotent: running it again changes nothing that exists.
 */
export async function seedDemo(
  db: Db,
  opts: { tokensFile?: string } = {},
): Promise<{ projectId: string; userIds: Record<Role, string>; tokens: DemoTokens | null }> {
  const projectId = await ensureProject(db, DEMO_PROJECT_SLUG, 'Demo project');
  const userIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const userId = await ensureUser(db, DEMO_USERS[role]);
    userIds[role] = userId;
    await ensureMembership(db, { userId, projectId, role });
  }
  const secondOperatorId = await ensureUser(db, DEMO_SECOND_OPERATOR);
  await ensureMembership(db, { userId: secondOperatorId, projectId, role: 'operator' });
  if (!opts.tokensFile) return { projectId, userIds, tokens: null };

  let previous: Partial<DemoTokens> = {};
  if (existsSync(opts.tokensFile)) {
    try {
      previous = JSON.parse(readFileSync(opts.tokensFile, 'utf8')) as Partial<DemoTokens>;
    } catch {
      previous = {};
    }
  }
  const tokens = {} as DemoTokens;
  const holders: [keyof DemoTokens, string][] = [...ROLES.map((role): [keyof DemoTokens, string] => [role, userIds[role]]), ['operator2', secondOperatorId]];
  for (const [label, userId] of holders) {
    const old = previous[label];
    const owner = old ? await findUserIdByToken(db, old) : null;
    tokens[label] = owner === userId && old ? old : (await createApiToken(db, { userId, name: 'demo' })).token;
  }
  mkdirSync(dirname(opts.tokensFile), { recursive: true });
  writeFileSync(opts.tokensFile, `${JSON.stringify({ about: DEMO_TOKENS_NOTE, ...tokens }, null, 2)}\n`, { mode: 0o600 });
  return { projectId, userIds, tokens };
}
