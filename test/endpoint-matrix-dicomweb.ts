import type { Role } from '../lib/auth/permissions';
import type { MatrixRow } from './endpoint-matrix';

/** Rows of the DICOMweb endpoints (app/dicomweb/[project]/…), kept apart so parallel work does not edit one file. */
const READERS: Role[] = ['researcher', 'operator', 'admin'];
const UIDS = { study: '1.2.826.0.1.3680043.8.498.1', series: '1.2.826.0.1.3680043.8.498.2', instance: '1.2.826.0.1.3680043.8.498.3', frames: '1', tag: '7FE00010' };

const READ_PATHS: [file: string, path: string, params: (keyof typeof UIDS)[]][] = [
  ['studies', 'studies', []],
  ['series', 'series', []],
  ['instances', 'instances', []],
  ['studies/[study]', 'studies/{study}', ['study']],
  ['studies/[study]/series', 'studies/{study}/series', ['study']],
  ['studies/[study]/instances', 'studies/{study}/instances', ['study']],
  ['studies/[study]/metadata', 'studies/{study}/metadata', ['study']],
  ['studies/[study]/series/[series]', 'studies/{study}/series/{series}', ['study', 'series']],
  ['studies/[study]/series/[series]/metadata', 'studies/{study}/series/{series}/metadata', ['study', 'series']],
  ['studies/[study]/series/[series]/instances', 'studies/{study}/series/{series}/instances', ['study', 'series']],
  ['studies/[study]/series/[series]/instances/[instance]', 'studies/{study}/series/{series}/instances/{instance}', ['study', 'series', 'instance']],
  ['studies/[study]/series/[series]/instances/[instance]/metadata', 'studies/{study}/series/{series}/instances/{instance}/metadata', ['study', 'series', 'instance']],
  ['studies/[study]/series/[series]/instances/[instance]/bulkdata/[tag]', 'studies/{study}/series/{series}/instances/{instance}/bulkdata/{tag}', ['study', 'series', 'instance', 'tag']],
  ['studies/[study]/series/[series]/instances/[instance]/frames/[frames]', 'studies/{study}/series/{series}/instances/{instance}/frames/{frames}', ['study', 'series', 'instance', 'frames']],
];

export function addDicomwebRows(matrix: Record<string, MatrixRow>): void {
  for (const [file, path, names] of READ_PATHS) {
    matrix[`app/dicomweb/[project]/${file}/route.ts#GET`] = {
      permission: 'dicomweb:read',
      // reviewers see de-identified images only inside a review case, never a whole study
      allowed: READERS,
      projectScoped: true,
      // searches answer an empty list; a study that does not exist answers 404 to allowed roles
      input: async (_db, project) => ({
        method: 'GET',
        path: `/dicomweb/${project.slug}/${names.reduce((p, n) => p.replace(`{${n}}`, UIDS[n]), path)}`,
        params: { project: project.slug, ...Object.fromEntries(names.map((n) => [n, UIDS[n]])) },
      }),
    };
  }
  addDicomwebStoreRows(matrix);
}

export function addDicomwebStoreRows(matrix: Record<string, MatrixRow>): void {
  for (const [file, path, names] of [
    ['studies', 'studies', []],
    ['studies/[study]', 'studies/{study}', ['study']],
  ] as [string, string, (keyof typeof UIDS)[]][]) {
    matrix[`app/dicomweb/[project]/${file}/route.ts#POST`] = {
      permission: 'dicomweb:write',
      allowed: ['operator', 'admin'],
      projectScoped: true,
      // a JSON body: allowed roles get 415 (STOW-RS takes multipart/related), the others 403 from the guard
      input: async (_db, project) => ({
        method: 'POST',
        path: `/dicomweb/${project.slug}/${names.reduce((p, n) => p.replace(`{${n}}`, UIDS[n]), path)}`,
        params: { project: project.slug, ...Object.fromEntries(names.map((n) => [n, UIDS[n]])) },
        body: {},
      }),
    };
  }
}
