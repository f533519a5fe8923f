/**
 * Administration through its REST route handlers, against PostgreSQL: projects, users with their
 * one-time invitation link, memberships, the last-admin rule, the ownership model (an admin of one
 * project changes nothing of another), deactivation and archiving taking effect at once, and the
 * audit events naming the project each change concerns. The CLI is exercised against the same
 * handlers served over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as projectsRoute from '@/app/api/admin/projects/route';
import * as deactivateRoute from '@/app/api/admin/users/[user]/deactivate/route';
import * as resetRoute from '@/app/api/admin/users/[user]/reset/route';
import * as usersRoute from '@/app/api/admin/users/route';
import * as acceptRoute from '@/app/api/invitations/accept/route';
import * as memberRoute from '@/app/api/projects/[project]/members/[user]/route';
import * as membersRoute from '@/app/api/projects/[project]/members/route';
import * as projectRoute from '@/app/api/projects/[project]/route';
import { auditEvents, memberships, projects } from '@/db/schema';
import { resolveActor } from '@/lib/auth/actor';
import { signInWithPassword } from '@/lib/auth/sign-in-with-password';
import { closeDb, getDb } from '@/lib/db';
import { startRouteServer } from '@/test/route-server';
import { runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(handler: Handler, token: string | null, method: string, params: Record<string, string> = {}, body?: unknown) {
  const headers = new Headers(token ? { authorization: `Bearer ${token}` } : {});
  if (body !== undefined) headers.set('content-type', 'application/json');
  const res = await handler(new Request('http://segflow.test/api', { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), {
    params: Promise.resolve(params),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, whose shape the assertions check
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const tokenOfLink = (url: string) => url.split('/invite/')[1];
const tag = () => randomBytes(3).toString('hex');

let a: TestProject;
let b: TestProject;
beforeAll(async () => {
  a = await createTestProject(getDb());
  b = await createTestProject(getDb());
});
afterAll(closeDb);

async function lastAudit(action: string) {
  const [e] = await getDb().select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.seq)).limit(1);
  return e;
}

describe('projects', () => {
  it('an admin creates a project they then administer, audited with the new project; slug clashes and bad slugs are named', async () => {
    const slug = `new-${tag()}`;
    const created = await call(projectsRoute.POST, a.users.admin.token, 'POST', {}, { slug, name: 'New one' });
    expect(created.status).toBe(200);
    const id = created.body.project.id as string;
    expect(JSON.stringify(created.body)).not.toMatch(/secret/i);
    const [row] = await getDb().select().from(projects).where(eq(projects.id, id));
    expect(row.deidSecret).toMatch(/^[0-9a-f]{64}$/);
    const [m] = await getDb().select().from(memberships).where(eq(memberships.projectId, id));
    expect(m).toMatchObject({ userId: a.users.admin.id, role: 'admin' });
    expect(await lastAudit('admin.project.create')).toMatchObject({ projectId: id, actorId: a.users.admin.id, outcome: 'success' });
    const list = await call(projectsRoute.GET, a.users.admin.token, 'GET');
    expect(list.body.projects.map((p: { slug: string }) => p.slug)).toEqual(expect.arrayContaining([a.slug, slug]));
    expect(list.body.projects.map((p: { slug: string }) => p.slug)).not.toContain(b.slug);

    const again = await call(projectsRoute.POST, a.users.admin.token, 'POST', {}, { slug, name: 'x' });
    expect(again).toMatchObject({ status: 409, body: { error: { message: `slug: a project ${slug} already exists` } } });
    const bad = await call(projectsRoute.POST, a.users.admin.token, 'POST', {}, { slug: 'Bad Slug', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^slug: expected lowercase letters/);
    const researcher = await call(projectsRoute.POST, a.users.researcher.token, 'POST', {}, { slug: `r-${tag()}`, name: 'x' });
    expect(researcher.status).toBe(403);
  });

  it('renames and archives: an archived project is out of reach of its members except admins, until unarchived', async () => {
    const p = await createTestProject(getDb());
    const renamed = await call(projectRoute.PATCH, p.users.admin.token, 'PATCH', { project: p.slug }, { name: 'Renamed' });
    expect(renamed).toMatchObject({ status: 200, body: { project: { name: 'Renamed', archivedAt: null } } });
    expect(await lastAudit('admin.project.update')).toMatchObject({ projectId: p.id });
    expect((await call(projectRoute.PATCH, p.users.admin.token, 'PATCH', { project: p.slug }, { archived: true })).status).toBe(200);
    const bearer = (t: string) => new Headers({ authorization: `Bearer ${t}` });
    expect((await resolveActor(getDb(), bearer(p.users.researcher.token)))!.memberships).toEqual([]);
    expect((await resolveActor(getDb(), bearer(p.users.admin.token)))!.memberships.map((m) => m.projectId)).toEqual([p.id]);
    expect((await call(projectRoute.PATCH, p.users.admin.token, 'PATCH', { project: p.slug }, { archived: false })).status).toBe(200);
    expect((await resolveActor(getDb(), bearer(p.users.researcher.token)))!.memberships.map((m) => m.role)).toEqual(['researcher']);
    const nothing = await call(projectRoute.PATCH, p.users.admin.token, 'PATCH', { project: p.slug }, {});
    expect(nothing).toMatchObject({ status: 400, body: { error: { message: 'name: give a new name or archived: true/false' } } });
  });
});

describe('users and invitations', () => {
  it('creates a user into a project with a one-time link that sets the password once; audited without the link', async () => {
    const email = `Invitee-${tag()}@Example.org`;
    const res = await call(usersRoute.POST, a.users.admin.token, 'POST', {}, { email, name: 'Invitee', project: a.slug, role: 'reviewer' });
    expect(res.status).toBe(200);
    const lower = email.toLowerCase();
    expect(res.body.user.email).toBe(lower);
    const url = res.body.invitation.url as string;
    expect(url).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    const audit = await lastAudit('admin.user.create');
    expect(audit).toMatchObject({ projectId: a.id, outcome: 'success' });
    expect(JSON.stringify(audit.details)).not.toContain(tokenOfLink(url));
    const [m] = await getDb()
      .select()
      .from(memberships)
      .where(and(eq(memberships.userId, res.body.user.id), eq(memberships.projectId, a.id)));
    expect(m.role).toBe('reviewer');

    const short = await call(acceptRoute.POST as Handler, null, 'POST', {}, { token: tokenOfLink(url), password: 'short' });
    expect(short).toMatchObject({ status: 400, body: { error: { message: 'password: the password must have at least 12 characters' } } });
    const ok = await call(acceptRoute.POST as Handler, null, 'POST', {}, { token: tokenOfLink(url), password: 'a long new password' });
    expect(ok).toMatchObject({ status: 200, body: { email: lower } });
    expect((await signInWithPassword(getDb(), { email: lower, password: 'a long new password', address: null })).ok).toBe(true);
    const twice = await call(acceptRoute.POST as Handler, null, 'POST', {}, { token: tokenOfLink(url), password: 'another long password' });
    expect(twice.status).toBe(404);
    expect(twice.body.error.message).toMatch(/already been used/);

    // reset: the password is cleared, a new link works, the old one does not
    const reset = await call(resetRoute.POST, a.users.admin.token, 'POST', { user: lower }, {});
    expect(reset.status).toBe(200);
    expect((await signInWithPassword(getDb(), { email: lower, password: 'a long new password', address: null })).ok).toBe(false);
    expect(
      (await call(acceptRoute.POST as Handler, null, 'POST', {}, { token: tokenOfLink(reset.body.invitation.url), password: 'third long password' })).status,
    ).toBe(200);
    expect((await lastAudit('admin.user.reset')).projectId).toBe(a.id);

    const dup = await call(usersRoute.POST, a.users.admin.token, 'POST', {}, { email: lower, name: 'again' });
    expect(dup).toMatchObject({ status: 409, body: { error: { message: `email: a user ${lower} already exists; add them to a project instead` } } });
  });

  it('deactivation stops sign-in and API tokens at once; the list shows it', async () => {
    const p = await createTestProject(getDb());
    const target = p.users.operator;
    const res = await call(deactivateRoute.POST, p.users.admin.token, 'POST', { user: target.email }, {});
    expect(res.status).toBe(200);
    expect(await resolveActor(getDb(), new Headers({ authorization: `Bearer ${target.token}` }))).toBeNull();
    const list = await call(usersRoute.GET, p.users.admin.token, 'GET');
    expect(list.body.users.find((u: { email: string }) => u.email === target.email)).toMatchObject({ deactivated: true });
    expect(list.body.users.map((u: { email: string }) => u.email)).not.toContain(b.users.researcher.email);
    expect((await lastAudit('admin.user.deactivate')).projectId).toBe(p.id);
  });
});

describe('memberships and the last admin', () => {
  it('adds, changes and removes members; never the last admin', async () => {
    const p = await createTestProject(getDb());
    const add = await call(membersRoute.POST, p.users.admin.token, 'POST', { project: p.slug }, { email: b.users.researcher.email, role: 'operator' });
    expect(add).toMatchObject({ status: 200, body: { member: { email: b.users.researcher.email, role: 'operator' } } });
    expect((await lastAudit('admin.member.add')).projectId).toBe(p.id);
    const again = await call(membersRoute.POST, p.users.admin.token, 'POST', { project: p.slug }, { email: b.users.researcher.email, role: 'operator' });
    expect(again.status).toBe(409);
    const unknown = await call(membersRoute.POST, p.users.admin.token, 'POST', { project: p.slug }, { email: 'nobody@example.org', role: 'operator' });
    expect(unknown).toMatchObject({ status: 404, body: { error: { message: 'email: no user nobody@example.org' } } });
    const badRole = await call(membersRoute.POST, p.users.admin.token, 'POST', { project: p.slug }, { email: b.users.researcher.email, role: 'owner' });
    expect(badRole.body.error.message).toBe('role: expected one of researcher, reviewer, operator, admin');

    const admin = p.users.admin;
    const demote = await call(memberRoute.PATCH, admin.token, 'PATCH', { project: p.slug, user: admin.email }, { role: 'researcher' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toBe(`role of ${admin.email}: this is the last admin of project ${p.slug}; make another member admin first`);
    expect((await call(memberRoute.DELETE, admin.token, 'DELETE', { project: p.slug, user: admin.id }, {})).status).toBe(409);
    expect((await call(deactivateRoute.POST, admin.token, 'POST', { user: admin.id }, {})).status).toBe(409);

    // with a second admin, the first may step down
    expect((await call(memberRoute.PATCH, admin.token, 'PATCH', { project: p.slug, user: p.users.operator.email }, { role: 'admin' })).status).toBe(200);
    expect((await call(memberRoute.PATCH, admin.token, 'PATCH', { project: p.slug, user: admin.email }, { role: 'researcher' })).status).toBe(200);
    expect(await lastAudit('admin.member.role')).toMatchObject({ projectId: p.id, details: { from: 'admin', to: 'researcher' } });
    const removed = await call(memberRoute.DELETE, p.users.operator.token, 'DELETE', { project: p.slug, user: p.users.reviewer.email }, {});
    expect(removed.status).toBe(200);
    const list = await call(membersRoute.GET, p.users.operator.token, 'GET', { project: p.slug });
    expect(list.body.members.map((m: { email: string }) => m.email)).not.toContain(p.users.reviewer.email);
  });
});

describe('ownership: an admin of one project changes nothing of another', () => {
  it('refuses project B to an admin of A, and users who also belong to B', async () => {
    const t = a.users.admin.token;
    expect((await call(projectRoute.PATCH, t, 'PATCH', { project: b.slug }, { name: 'taken over' })).status).toBe(404);
    expect((await call(membersRoute.GET, t, 'GET', { project: b.slug })).status).toBe(404);
    expect((await call(membersRoute.POST, t, 'POST', { project: b.slug }, { email: a.users.researcher.email, role: 'admin' })).status).toBe(404);
    expect((await call(memberRoute.DELETE, t, 'DELETE', { project: b.slug, user: b.users.admin.email }, {})).status).toBe(404);
    const into = await call(usersRoute.POST, t, 'POST', {}, { email: `x-${tag()}@example.org`, name: 'x', project: b.slug, role: 'researcher' });
    expect(into).toMatchObject({ status: 404, body: { error: { message: `project: no project ${b.slug} that you administer` } } });
    // a user of both A and B: only an admin of both may deactivate or reset them
    await getDb().insert(memberships).values({ userId: b.users.reviewer.id, projectId: a.id, role: 'reviewer' });
    for (const handler of [deactivateRoute.POST, resetRoute.POST]) {
      const res = await call(handler, t, 'POST', { user: b.users.reviewer.email }, {});
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/also a member of a project you do not administer/);
    }
    expect(await resolveActor(getDb(), new Headers({ authorization: `Bearer ${b.users.reviewer.token}` }))).not.toBeNull();
    // a researcher of A cannot even list
    expect((await call(usersRoute.GET, a.users.researcher.token, 'GET')).status).toBe(403);
    expect((await call(membersRoute.GET, a.users.researcher.token, 'GET', { project: a.slug })).status).toBe(403);
  });
});

describe('segflow admin (CLI through the API)', () => {
  it('creates a project, a user with a link, a membership, and lists them; refusals name the problem', async () => {
    const server = await startRouteServer([
      ['GET', /^\/api\/admin\/projects$/, [], projectsRoute.GET],
      ['POST', /^\/api\/admin\/projects$/, [], projectsRoute.POST],
      ['PATCH', /^\/api\/projects\/([^/]+)$/, ['project'], projectRoute.PATCH],
      ['GET', /^\/api\/admin\/users$/, [], usersRoute.GET],
      ['POST', /^\/api\/admin\/users$/, [], usersRoute.POST],
      ['POST', /^\/api\/admin\/users\/([^/]+)\/reset$/, ['user'], resetRoute.POST],
      ['POST', /^\/api\/admin\/users\/([^/]+)\/deactivate$/, ['user'], deactivateRoute.POST],
      ['GET', /^\/api\/projects\/([^/]+)\/members$/, ['project'], membersRoute.GET],
      ['POST', /^\/api\/projects\/([^/]+)\/members$/, ['project'], membersRoute.POST],
      ['PATCH', /^\/api\/projects\/([^/]+)\/members\/([^/]+)$/, ['project', 'user'], memberRoute.PATCH],
      ['DELETE', /^\/api\/projects\/([^/]+)\/members\/([^/]+)$/, ['project', 'user'], memberRoute.DELETE],
    ]);
    try {
      const env = { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: a.users.admin.token };
      const cli = async (...args: string[]) => {
        const r = await runCli(['admin', ...args], env);
        return { ...r, json: r.code === 0 ? JSON.parse(r.stdout.trim().split('\n').at(-1)!) : null };
      };
      const slug = `cli-${tag()}`;
      const created = await cli('projects', 'create', '--slug', slug, '--name', 'From the CLI');
      expect(created.stderr).toContain(`project ${slug} created; you administer it`);
      expect((await cli('projects', 'rename', slug, '--name', 'Renamed')).json).toMatchObject({ slug, name: 'Renamed' });
      expect((await cli('projects', 'list')).json.map((p: { slug: string }) => p.slug)).toContain(slug);

      const email = `cli-${tag()}@example.org`;
      const user = await cli('users', 'create', '--email', email, '--name', 'CLI user');
      expect(user.code).toBe(0);
      expect(user.stderr).toMatch(new RegExp(`user ${email} created; one-time invitation link .*: http.*/invite/`));
      const add = await cli('members', 'add', '--project', slug, '--email', email, '--role', 'operator');
      expect(add.stderr).toContain(`${email} is now operator of ${slug}`);
      expect((await cli('members', 'role', '--project', slug, '--email', email, '--role', 'reviewer')).json).toMatchObject({ email, role: 'reviewer' });
      expect((await cli('members', 'list', '--project', slug)).json.map((m: { email: string; role: string }) => `${m.email}:${m.role}`)).toEqual(
        expect.arrayContaining([`${email}:reviewer`, `${a.users.admin.email}:admin`]),
      );
      expect((await cli('users', 'list')).json.map((u: { email: string }) => u.email)).toContain(email);
      expect((await cli('users', 'reset', email)).stderr).toMatch(/one-time invitation link/);
      expect((await cli('members', 'remove', '--project', slug, '--email', email)).code).toBe(0);
      expect((await cli('users', 'deactivate', email)).json).toMatchObject({ email });
      const last = await cli('members', 'remove', '--project', slug, '--email', a.users.admin.email);
      expect(last.code).toBe(1);
      expect(last.stderr).toContain(`this is the last admin of project ${slug}`);
      const foreign = await cli('members', 'list', '--project', b.slug);
      expect(foreign.code).toBe(1);
      expect(foreign.stderr).toContain(`project ${b.slug} not found`);
      expect((await cli('projects', 'archive', slug)).stderr).toContain(`project ${slug} archived`);
    } finally {
      await server.close();
    }
  }, 120_000);
});
