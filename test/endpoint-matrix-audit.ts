import type { MatrixRow } from './endpoint-matrix';

/** Rows of the audit log endpoints (issue 9): admins (audit:read) of the project; added by endpoint-matrix.ts. */
export function addAuditRows(matrix: Record<string, MatrixRow>): void {
  matrix['app/api/projects/[project]/audit/route.ts#GET'] = {
    permission: 'audit:read',
    allowed: ['admin'],
    projectScoped: true,
    input: async (_db, project) => ({ method: 'GET', path: `/api/projects/${project.slug}/audit?outcome=success&limit=5`, params: { project: project.slug } }),
  };
  matrix['app/api/projects/[project]/audit/export/route.ts#GET'] = {
    permission: 'audit:read',
    allowed: ['admin'],
    projectScoped: true,
    input: async (_db, project) => ({ method: 'GET', path: `/api/projects/${project.slug}/audit/export?format=csv`, params: { project: project.slug } }),
  };
}
