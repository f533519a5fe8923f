import { randomBytes } from 'node:crypto';
import { memberships, users } from '../db/schema';
import type { Db } from '../lib/db';
import type { MatrixRow } from './endpoint-matrix';
import type { TestProject } from './test-project';

/**
 * Rows of administration (issue 15; kept apart so parallel work does not edit one file). Only admins
 * hold project:manage. Project-scoped rows (a project's name, archive state, members) answer admins
 * of another project 404; global rows (list/create projects and users, deactivate/reset a user in no
 * project) follow the any-membership rule. That an admin of one project cannot deactivate or reset a
 * user who is also in a project they do not administer is tested in lib/admin/administration.test.ts.
 */
const tag = () => randomBytes(4).toString('hex');

/** a user in no project: any admin may change them */
async function loneUser(db: Db) {
  const email = `lone-${tag()}@test.segflow`;
  const [u] = await db.insert(users).values({ email, name: 'lone' }).returning();
  return u;
}

async function member(db: Db, project: TestProject) {
  const u = await loneUser(db);
  await db.insert(memberships).values({ userId: u.id, projectId: project.id, role: 'researcher' });
  return u;
}

type Input = MatrixRow['input'];

export function addAdminRows(matrix: Record<string, MatrixRow>): void {
  const both = (route: string, action: string, projectScoped: boolean, input: Input) => {
    const row: MatrixRow = { permission: 'project:manage', allowed: ['admin'], projectScoped, input };
    matrix[route] = row;
    matrix[`app/(app)/admin/actions.ts#${action}`] = row;
  };
  const only = (route: string, projectScoped: boolean, input: Input) => {
    matrix[route] = { permission: 'project:manage', allowed: ['admin'], projectScoped, input };
  };

  only('app/api/admin/projects/route.ts#GET', false, async () => ({ method: 'GET', path: '/api/admin/projects' }));
  both('app/api/admin/projects/route.ts#POST', 'createProjectAction', false, async () => ({
    method: 'POST',
    path: '/api/admin/projects',
    body: { slug: `m-${tag()}`, name: 'matrix' },
  }));
  both('app/api/projects/[project]/route.ts#PATCH', 'updateProjectAction', true, async (_db, project) => ({
    method: 'PATCH',
    path: `/api/projects/${project.slug}`,
    params: { project: project.slug },
    body: { project: project.slug, name: `Test ${project.slug}` },
  }));
  only('app/api/admin/users/route.ts#GET', false, async () => ({ method: 'GET', path: '/api/admin/users' }));
  both('app/api/admin/users/route.ts#POST', 'createUserAction', false, async () => ({
    method: 'POST',
    path: '/api/admin/users',
    body: { email: `new-${tag()}@test.segflow`, name: 'new' },
  }));
  for (const [verb, action] of [
    ['deactivate', 'deactivateUserAction'],
    ['reset', 'resetUserAction'],
  ] as const) {
    both(`app/api/admin/users/[user]/${verb}/route.ts#POST`, action, false, async (db) => {
      const u = await loneUser(db);
      return { method: 'POST', path: `/api/admin/users/${u.id}/${verb}`, params: { user: u.id }, body: { user: u.id } };
    });
  }
  only('app/api/projects/[project]/members/route.ts#GET', true, async (_db, project) => ({
    method: 'GET',
    path: `/api/projects/${project.slug}/members`,
    params: { project: project.slug },
  }));
  both('app/api/projects/[project]/members/route.ts#POST', 'addMemberAction', true, async (db, project) => {
    const u = await loneUser(db);
    return {
      method: 'POST',
      path: `/api/projects/${project.slug}/members`,
      params: { project: project.slug },
      body: { project: project.slug, email: u.email, role: 'researcher' },
    };
  });
  both('app/api/projects/[project]/members/[user]/route.ts#PATCH', 'setMemberRoleAction', true, async (db, project) => {
    const u = await member(db, project);
    const params = { project: project.slug, user: u.id };
    return { method: 'PATCH', path: `/api/projects/${project.slug}/members/${u.id}`, params, body: { ...params, role: 'reviewer' } };
  });
  both('app/api/projects/[project]/members/[user]/route.ts#DELETE', 'removeMemberAction', true, async (db, project) => {
    const u = await member(db, project);
    const params = { project: project.slug, user: u.id };
    return { method: 'DELETE', path: `/api/projects/${project.slug}/members/${u.id}`, params, body: params };
  });
}
