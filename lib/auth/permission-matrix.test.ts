/**
 * Every route handler and server action under app/ goes through the guard, and each one answers
 * each role as the matrix below says: 401 without credentials, 403 for a role without the
 * permission, anything else for a role with it. A new endpoint without a row here fails the test.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../db';
import { createTestProject, type TestProject } from '../../test/test-project';
import { runWithRequestHeaders } from './request-context';
import { guardMetaOf } from './guard';
import { ROLES, type Role } from './permissions';
import { matrix, PUBLIC_ENDPOINTS } from '../../test/endpoint-matrix';

const root = fileURLToPath(new URL('../../', import.meta.url));
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function findFiles(dir: string, names: string[], out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findFiles(path, names, out);
    else if (names.includes(entry)) out.push(relative(root, path));
  }
  return out;
}

interface Endpoint {
  id: string; // "<file>#<export>"
  kind: 'route' | 'action';
  fn: unknown;
}

async function discoverEndpoints(): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  for (const file of findFiles(join(root, 'app'), ['route.ts', 'route.tsx', 'actions.ts'])) {
    const mod = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn !== 'function') continue;
      if (file.includes('route.') && !HTTP_METHODS.includes(name)) continue;
      out.push({ id: `${file}#${name}`, kind: file.endsWith('actions.ts') ? 'action' : 'route', fn });
    }
  }
  return out;
}

async function call(ep: Endpoint, token: string | null, input: { params?: Record<string, string>; body?: unknown; method: string; path: string }) {
  const headers = new Headers(token ? { authorization: `Bearer ${token}` } : {});
  if (ep.kind === 'action') {
    const res = (await runWithRequestHeaders(headers, () => (ep.fn as (i: unknown) => Promise<unknown>)(input.body))) as
      | { ok: true }
      | { ok: false; error: { code: string } };
    if (res.ok) return 200;
    return { unauthenticated: 401, forbidden: 403, not_found: 404, invalid_input: 400 }[res.error.code] ?? 500;
  }
  const hasBody = input.method !== 'GET' && input.method !== 'HEAD';
  if (hasBody) headers.set('content-type', 'application/json');
  const req = new Request(`http://localhost${input.path}`, { method: input.method, headers, body: hasBody ? JSON.stringify(input.body ?? {}) : undefined });
  const res = await (ep.fn as (r: Request, c: unknown) => Promise<Response>)(req, { params: Promise.resolve(input.params ?? {}) });
  return res.status;
}

describe('permission matrix', () => {
  let project: TestProject;
  let endpoints: Endpoint[];

  beforeAll(async () => {
    project = await createTestProject(getDb());
    endpoints = await discoverEndpoints();
  });
  afterAll(closeDb);

  it('finds the endpoints, and every one is guarded or explicitly public', () => {
    expect(endpoints.length).toBeGreaterThan(2);
    for (const ep of endpoints) {
      if (PUBLIC_ENDPOINTS.includes(ep.id)) continue;
      const meta = guardMetaOf(ep.fn);
      expect(meta, `${ep.id} does not go through route()/action()`).toBeDefined();
      expect(meta?.kind).toBe(ep.kind);
    }
  });

  it('has a matrix row for every guarded endpoint, with the permission it declares', () => {
    for (const ep of endpoints.filter((e) => !PUBLIC_ENDPOINTS.includes(e.id))) {
      const row = matrix[ep.id];
      expect(row, `no matrix row for ${ep.id}`).toBeDefined();
      expect(guardMetaOf(ep.fn)?.permission, ep.id).toBe(row.permission);
    }
  });

  it('refuses every guarded endpoint without credentials, and with a bad token', async () => {
    for (const ep of endpoints.filter((e) => !PUBLIC_ENDPOINTS.includes(e.id))) {
      const input = await matrix[ep.id].input(getDb(), project, 'admin');
      expect(await call(ep, null, input), `${ep.id} without credentials`).toBe(401);
      expect(await call(ep, 'sf_not-a-real-token', input), `${ep.id} with a bad token`).toBe(401);
    }
  });

  for (const role of ROLES) {
    it(`answers a ${role} as the matrix says`, async () => {
      for (const ep of endpoints.filter((e) => !PUBLIC_ENDPOINTS.includes(e.id))) {
        const row = matrix[ep.id];
        const input = await row.input(getDb(), project, role as Role);
        const status = await call(ep, project.users[role].token, input);
        if (row.allowed.includes(role)) expect([401, 403], `${ep.id} as ${role} → ${status}`).not.toContain(status);
        else expect(status, `${ep.id} as ${role}`).toBe(403);
      }
    });
  }

  it('hides project-scoped endpoints from non-members', async () => {
    for (const ep of endpoints.filter((e) => !PUBLIC_ENDPOINTS.includes(e.id) && matrix[e.id].projectScoped)) {
      const input = await matrix[ep.id].input(getDb(), project, 'admin');
      expect(await call(ep, project.outsider.token, input), `${ep.id} as outsider`).toBe(404);
    }
  });
});
