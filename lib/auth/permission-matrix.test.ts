/**
 * Every route handler and server action under app/ goes through the guard, and each one answers
 * each caller as the matrix (test/endpoint-matrix.ts) says:
 * - 401 without credentials, with a bad token or a forged session cookie;
 * - for each role, signed in with an API token and with a session cookie from next-auth's own
 *   credentials sign-in: the endpoint's success status on a real target row when the role is allowed
 *   (a 404 or a 500 is a failure), 403 when it is not;
 * - a member of another project (each role): 404 on every project-scoped endpoint; 403 on every
 *   endpoint acting on a model this project owns (its slot, grants: cross-project refusals); on
 *   global ones the "any membership" rule: allowed when that membership's role allows it;
 * - a user with two memberships (reviewer here, operator elsewhere): in this project only the
 *   reviewer role counts; globally either role does;
 * - a user with no membership: 404 project-scoped, 403 global;
 * - and the audit log holds each call (by its x-request-id): every state-changing success once, with
 *   the action the endpoint declares and the target's project; every refusal as denied.
 * Endpoints are every HTTP export of a route.ts(x) and every export of every 'use server' file; a
 * new endpoint without a row fails the test.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { and, eq, inArray } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, auditPendingEvents, memberships, runs, users } from '@/db/schema';
import { closeDb, getDb } from '../db';
import { createTestProject, type TestProject } from '../../test/test-project';
import { signInWithPassword } from '../../test/session-sign-in';
import { createApiToken } from './api-tokens';
import { hashPassword } from './password';
import { runWithRequestHeaders } from './request-context';
import { guardMetaOf } from './guard';
import { ROLES, type Role } from './permissions';
import { matrix, PUBLIC_ENDPOINTS, type MatrixRow } from '../../test/endpoint-matrix';

const root = fileURLToPath(new URL('../../', import.meta.url));
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** where server code lives: a 'use server' file anywhere in these is a set of public endpoints */
const SOURCE_DIRS = ['app', 'lib', 'components'];

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry)) out.push(relative(root, path));
  }
  return out;
}

/** a module-level 'use server' directive: the first statement, after comments */
function isServerActionFile(source: string): boolean {
  const body = source.replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  return /^['"]use server['"]/.test(body);
}

interface Endpoint {
  id: string; // "<file>#<export>"
  kind: 'route' | 'action';
  fn: unknown;
}

const sourceFiles = SOURCE_DIRS.flatMap((d) => walk(join(root, d)));

async function discoverEndpoints(): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  for (const file of sourceFiles) {
    const isRoute = file.startsWith('app/') && /\/route\.tsx?$/.test(file);
    const isAction = isServerActionFile(readFileSync(join(root, file), 'utf8'));
    if (!isRoute && !isAction) continue;
    const mod = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn !== 'function') continue;
      if (isRoute && !HTTP_METHODS.includes(name)) continue;
      out.push({ id: `${file}#${name}`, kind: isRoute ? 'route' : 'action', fn });
    }
  }
  return out;
}

type Input = Awaited<ReturnType<MatrixRow['input']>>;

async function call(ep: Endpoint, headers: Headers, input: Input): Promise<number> {
  if (ep.kind === 'action') {
    const res = (await runWithRequestHeaders(headers, () => (ep.fn as (i: unknown) => Promise<unknown>)(input.body))) as
      | { ok: true }
      | { ok: false; error: { code: string } };
    if (res.ok) return 200;
    return { unauthenticated: 401, forbidden: 403, not_found: 404, invalid_input: 400, conflict: 409 }[res.error.code] ?? 500;
  }
  const hasBody = input.method !== 'GET' && input.method !== 'HEAD';
  if (hasBody) headers.set('content-type', 'application/json');
  const req = new Request(`http://localhost${input.path}`, { method: input.method, headers, body: hasBody ? JSON.stringify(input.body ?? {}) : undefined });
  const res = await (ep.fn as (r: Request, c: unknown) => Promise<Response>)(req, { params: Promise.resolve(input.params ?? {}) });
  return res.status;
}

/** Someone calling the API: who they are, how they authenticate, and what the matrix expects of them. */
interface Caller {
  label: string;
  userId: string;
  /** the role whose rows the input is built for */
  role: Role;
  headers: () => Headers;
  expect: (row: MatrixRow) => number;
}

const successOf = (row: MatrixRow) => row.success ?? 200;
const bearer = (token: string) => () => new Headers({ authorization: `Bearer ${token}` });
const cookie = (value: string) => () => new Headers({ cookie: value });

// each case sweeps every endpoint as several callers through the real routes and PostgreSQL: minutes on a loaded 2-core machine
describe('permission matrix', { timeout: 240_000 }, () => {
  let project: TestProject;
  let elsewhere: TestProject;
  let endpoints: Endpoint[];
  const guarded = () => endpoints.filter((e) => !PUBLIC_ENDPOINTS.includes(e.id));
  const sessions = {} as Record<Role, string>;
  let twoRoles: { id: string; token: string };

  beforeAll(async () => {
    const db = getDb();
    project = await createTestProject(db);
    elsewhere = await createTestProject(db);
    endpoints = await discoverEndpoints();
    for (const role of ROLES) {
      const password = `pw-${role}-${project.slug}`;
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(password) })
        .where(eq(users.id, project.users[role].id));
      sessions[role] = await signInWithPassword(project.users[role].email, password);
    }
    const [u] = await db
      .insert(users)
      .values({ email: `two-roles-${project.slug}@test.segflow`, name: 'two roles' })
      .returning();
    await db.insert(memberships).values([
      { userId: u.id, projectId: project.id, role: 'reviewer' },
      { userId: u.id, projectId: elsewhere.id, role: 'operator' },
    ]);
    twoRoles = { id: u.id, token: (await createApiToken(db, { userId: u.id, name: 'test' })).token };
  });
  afterAll(closeDb);

  // A refused call changes nothing, so refused callers share one input per endpoint; an allowed
  // call gets a fresh target row of its own (it may consume it: revoke, approve, complete).
  const refusalInputs = new Map<string, Input>();
  async function inputFor(ep: Endpoint, c: Caller, refused: boolean): Promise<Input> {
    const row = matrix[ep.id];
    if (!refused) return row.input(getDb(), project, c.role, { userId: c.userId });
    if (!refusalInputs.has(ep.id)) refusalInputs.set(ep.id, await row.input(getDb(), project, 'admin', { userId: project.users.admin.id }));
    return refusalInputs.get(ep.id)!;
  }

  /**
   * What the audit log must hold for one call, found by its request id: a state-changing success
   * writes its action's event once, with the project it concerns; a refusal (403/404) of a signed-in
   * caller is written as denied; nobody (401) leaves nothing to attribute.
   */
  async function auditMismatch(ep: Endpoint, row: MatrixRow, method: string, status: number, requestId: string): Promise<string | null> {
    // reads are recorded pending and chained later (lib/audit/chain-pending-audit-events.ts): an event is in one of the two tables
    const events = [
      ...(await getDb()
        .select({ action: auditEvents.action, outcome: auditEvents.outcome, projectId: auditEvents.projectId })
        .from(auditEvents)
        .where(eq(auditEvents.requestId, requestId))),
      ...(await getDb()
        .select({ action: auditPendingEvents.action, outcome: auditPendingEvents.outcome, projectId: auditPendingEvents.projectId })
        .from(auditPendingEvents)
        .where(eq(auditPendingEvents.requestId, requestId))),
    ];
    const action = guardMetaOf(ep.fn)?.action;
    const changes = ep.kind === 'action' || (method !== 'GET' && method !== 'HEAD');
    if (status === successOf(row) && changes) {
      // a row whose "success" is the handler's own refusal past the guard (STOW-RS of JSON: 415) is a failure
      const outcome = status < 400 ? 'success' : 'failure';
      const mine = events.filter((e) => e.action === action && e.outcome === outcome);
      const want = row.events ?? 1;
      if (mine.length !== want) return `${mine.length} '${action}' ${outcome} events (want ${want})`;
      if (row.projectScoped && mine[0].projectId !== project.id) return `its '${action}' event names project ${mine[0].projectId}, not the target's`;
      if (row.ownedModel && !mine.some((e) => e.projectId === project.id)) return `no '${action}' event in the owning project's log`;
    }
    if ((status === 403 || status === 404) && !events.some((e) => e.action === action && e.outcome === 'denied'))
      return `refused (${status}) but not audited as denied`;
    return null;
  }

  /** Calls every guarded endpoint as each caller and collects what differs from the matrix (answers and audit events). */
  async function mismatches(callers: Caller[]): Promise<string[]> {
    const db = getDb();
    const wrong: string[] = [];
    for (const ep of guarded()) {
      const row = matrix[ep.id];
      for (const c of callers) {
        const want = c.expect(row);
        const input = await inputFor(ep, c, want !== successOf(row));
        const requestId = `pm-${randomUUID()}`;
        const headers = c.headers();
        headers.set('x-request-id', requestId);
        const status = await call(ep, headers, input);
        if (status !== want) wrong.push(`${ep.id} as ${c.label}: ${status}, expected ${want}`);
        else {
          const audit = await auditMismatch(ep, row, input.method, status, requestId);
          if (audit) wrong.push(`${ep.id} as ${c.label}: ${audit}`);
        }
        // a queued run would be taken by any executor sharing this database (CI's e2e app)
        await db
          .update(runs)
          .set({ status: 'cancelled' })
          .where(and(inArray(runs.projectId, [project.id, elsewhere.id]), eq(runs.status, 'queued')));
      }
    }
    return wrong;
  }

  const asRole = (role: Role, via: 'token' | 'session'): Caller => ({
    label: `${role} (${via})`,
    userId: project.users[role].id,
    role,
    headers: via === 'token' ? bearer(project.users[role].token) : cookie(sessions[role]),
    expect: (row) => (row.allowed.includes(role) ? successOf(row) : 403),
  });

  it('finds the endpoints, and every one is guarded or explicitly public', () => {
    expect(endpoints.length).toBeGreaterThan(2);
    // server actions outside actions.ts are found too
    expect(endpoints.filter((e) => e.kind === 'action').length).toBeGreaterThan(3);
    for (const ep of endpoints) {
      if (PUBLIC_ENDPOINTS.includes(ep.id)) continue;
      const meta = guardMetaOf(ep.fn);
      expect(meta, `${ep.id} does not go through route()/action()`).toBeDefined();
      expect(meta?.kind).toBe(ep.kind);
    }
  });

  it("declares server actions only in 'use server' files (an inline one would escape discovery)", () => {
    const inline = sourceFiles.filter((f) => {
      const src = readFileSync(join(root, f), 'utf8');
      return !isServerActionFile(src) && /^\s+['"]use server['"]/m.test(src);
    });
    expect(inline).toEqual([]);
  });

  it('has a matrix row for every guarded endpoint, with the permission it declares, and no row without an endpoint', () => {
    for (const ep of guarded()) {
      const row = matrix[ep.id];
      expect(row, `no matrix row for ${ep.id}`).toBeDefined();
      expect(guardMetaOf(ep.fn)?.permission, ep.id).toBe(row.permission);
    }
    const ids = new Set(endpoints.map((e) => e.id));
    expect(Object.keys(matrix).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('refuses every guarded endpoint without credentials, with a bad token and with a forged session cookie', async () => {
    const forged = await encode({ token: { sub: project.users.admin.id }, secret: 'not-the-platform-secret' });
    const anonymous = (label: string, headers: () => Headers): Caller => ({ label, userId: project.users.admin.id, role: 'admin', headers, expect: () => 401 });
    expect(
      await mismatches([
        anonymous('nobody', () => new Headers()),
        anonymous('a bad token', bearer('sf_not-a-real-token')),
        anonymous('a forged session', cookie(`next-auth.session-token=${forged}`)),
      ]),
    ).toEqual([]);
  });

  for (const role of ROLES) {
    it(`answers a ${role} as the matrix says, with an API token and with a session cookie`, async () => {
      expect(await mismatches([asRole(role, 'token'), asRole(role, 'session')])).toEqual([]);
    });
  }

  it('answers members of another project: not found on project-scoped endpoints, their own role on global ones', async () => {
    const callers: Caller[] = ROLES.map((role) => ({
      label: `${role} of another project`,
      userId: elsewhere.users[role].id,
      role,
      headers: bearer(elsewhere.users[role].token),
      expect: (row) => (row.projectScoped ? 404 : row.ownedModel ? 403 : row.allowed.includes(role) ? successOf(row) : 403),
    }));
    expect(await mismatches(callers)).toEqual([]);
  });

  it('uses the role of the target project for project-scoped endpoints, and any membership for global ones', async () => {
    const caller: Caller = {
      label: 'reviewer here, operator elsewhere',
      userId: twoRoles.id,
      role: 'reviewer',
      headers: bearer(twoRoles.token),
      expect: (row) => {
        const roles: Role[] = row.projectScoped || row.ownedModel ? ['reviewer'] : ['reviewer', 'operator'];
        return roles.some((r) => row.allowed.includes(r)) ? successOf(row) : 403;
      },
    };
    expect(await mismatches([caller])).toEqual([]);
  });

  it('hides project-scoped endpoints from non-members, and refuses them global ones', async () => {
    const caller: Caller = {
      label: 'a user without membership',
      userId: project.outsider.id,
      role: 'admin',
      headers: bearer(project.outsider.token),
      // every permission comes from some membership, even that of managing one's own API tokens
      expect: (row) => (row.projectScoped ? 404 : 403),
    };
    expect(await mismatches([caller])).toEqual([]);
  });
});
