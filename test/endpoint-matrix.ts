import type { Permission, Role } from '../lib/auth/permissions';
import { createApiToken } from '../lib/auth/api-tokens';
import type { Db } from '../lib/db';
import type { TestProject } from './test-project';

/**
 * The expected answer of every guarded endpoint, written down independently of the permission map:
 * who may call it, and a valid input (creating the target rows it needs). Grows with every issue.
 */
export interface MatrixRow {
  permission: Permission;
  allowed: Role[];
  projectScoped?: boolean;
  input: (db: Db, project: TestProject, role: Role) => Promise<{ method: string; path: string; params?: Record<string, string>; body?: unknown }>;
}

const ALL: Role[] = ['researcher', 'reviewer', 'operator', 'admin'];

/** Authentication itself and the health probe: reachable without a session by design. */
export const PUBLIC_ENDPOINTS = ['app/api/auth/[...nextauth]/route.ts#GET', 'app/api/auth/[...nextauth]/route.ts#POST', 'app/api/health/route.ts#GET'];

export const matrix: Record<string, MatrixRow> = {
  'app/(app)/settings/tokens/actions.ts#createTokenAction': {
    permission: 'token:manage',
    allowed: ALL,
    input: async () => ({ method: 'POST', path: '', body: { name: 'matrix' } }),
  },
  'app/(app)/settings/tokens/actions.ts#revokeTokenAction': {
    permission: 'token:manage',
    allowed: ALL,
    input: async (db, project, role) => {
      const { id } = await createApiToken(db, { userId: project.users[role].id, name: 'to-revoke' });
      return { method: 'POST', path: '', body: { id } };
    },
  },
};

matrix['app/api/tokens/route.ts#GET'] = {
  permission: 'token:manage',
  allowed: ALL,
  input: async () => ({ method: 'GET', path: '/api/tokens' }),
};
