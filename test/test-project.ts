import { randomBytes } from 'node:crypto';
import { memberships, projects, users } from '../db/schema';
import { createApiToken } from '../lib/auth/api-tokens';
import { ROLES, type Role } from '../lib/auth/permissions';
import type { Db } from '../lib/db';

export interface TestProject {
  id: string;
  slug: string;
  users: Record<Role, { id: string; email: string; token: string }>;
  /** a user with no membership in this project */
  outsider: { id: string; email: string; token: string };
}

/** A project with one user per role (and an outsider), each with an API token. */
export async function createTestProject(db: Db): Promise<TestProject> {
  const tag = randomBytes(4).toString('hex');
  const [project] = await db
    .insert(projects)
    .values({ slug: `t-${tag}`, name: `Test ${tag}`, deidSecret: randomBytes(32).toString('hex') })
    .returning();
  const make = async (label: string) => {
    const email = `${label}-${tag}@test.segflow`;
    const [u] = await db
      .insert(users)
      .values({ email, name: `${label} ${tag}` })
      .returning();
    const { token } = await createApiToken(db, { userId: u.id, name: 'test' });
    return { id: u.id, email, token };
  };
  const out = {} as TestProject['users'];
  for (const role of ROLES) {
    out[role] = await make(role);
    await db.insert(memberships).values({ userId: out[role].id, projectId: project.id, role });
  }
  return { id: project.id, slug: project.slug, users: out, outsider: await make('outsider') };
}
