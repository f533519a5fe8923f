import type { Role } from '../lib/auth/permissions';
import type { Db } from '../lib/db';
import type { MatrixRow } from './endpoint-matrix';
import type { TestProject } from './test-project';

/** Rows of the DICOMweb endpoints (app/dicomweb/[project]/…), kept apart so parallel work does not edit one file. */
const READERS: Role[] = ['researcher', 'operator', 'admin'];
type Target = { study: string; series: string; instance: string; frames: string; tag: string };

// one de-identified series per project (through the real de-identify step), shared by the read rows: reads change nothing
const seeded = new Map<string, Promise<Target>>();
function targetOf(db: Db, project: TestProject): Promise<Target> {
  let t = seeded.get(project.id);
  if (!t) {
    t = (async () => {
      const { seedDeidentifiedSeries } = await import('../lib/dicomweb/test/seed-deidentified-series');
      const s = await seedDeidentifiedSeries(db, project);
      return { study: s.studyInstanceUid, series: s.seriesInstanceUid, instance: s.indexed[0].sopInstanceUid, frames: '1', tag: '7FE00010' };
    })();
    seeded.set(project.id, t);
  }
  return t;
}

const READ_PATHS: [file: string, path: string, params: (keyof Target)[]][] = [
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
  [
    'studies/[study]/series/[series]/instances/[instance]/metadata',
    'studies/{study}/series/{series}/instances/{instance}/metadata',
    ['study', 'series', 'instance'],
  ],
  [
    'studies/[study]/series/[series]/instances/[instance]/bulkdata/[tag]',
    'studies/{study}/series/{series}/instances/{instance}/bulkdata/{tag}',
    ['study', 'series', 'instance', 'tag'],
  ],
  [
    'studies/[study]/series/[series]/instances/[instance]/frames/[frames]',
    'studies/{study}/series/{series}/instances/{instance}/frames/{frames}',
    ['study', 'series', 'instance', 'frames'],
  ],
];

export function addDicomwebRows(matrix: Record<string, MatrixRow>): void {
  for (const [file, path, names] of READ_PATHS) {
    matrix[`app/dicomweb/[project]/${file}/route.ts#GET`] = {
      permission: 'dicomweb:read',
      // reviewers see de-identified images only inside a review case, never a whole study
      allowed: READERS,
      projectScoped: true,
      // a real de-identified CT series: searches, retrieval, metadata, frame 1 and its pixel data answer 200
      input: async (db, project) => {
        const t = await targetOf(db, project);
        return {
          method: 'GET',
          path: `/dicomweb/${project.slug}/${names.reduce((p, n) => p.replace(`{${n}}`, t[n]), path)}`,
          params: { project: project.slug, ...Object.fromEntries(names.map((n) => [n, t[n]])) },
        };
      },
    };
  }
  addDicomwebStoreRows(matrix);
}

export function addDicomwebStoreRows(matrix: Record<string, MatrixRow>): void {
  for (const [file, path, names] of [
    ['studies', 'studies', []],
    ['studies/[study]', 'studies/{study}', ['study']],
  ] as [string, string, (keyof Target)[]][]) {
    matrix[`app/dicomweb/[project]/${file}/route.ts#POST`] = {
      permission: 'dicomweb:write',
      allowed: ['operator', 'admin'],
      projectScoped: true,
      // the matrix sends JSON: past the guard STOW-RS answers 415 (it takes multipart/related of DICOM);
      // storing a real SEG is lib/dicomweb/dicomweb-client.test.ts
      success: 415,
      input: async (db, project) => {
        const t = await targetOf(db, project);
        return {
          method: 'POST',
          path: `/dicomweb/${project.slug}/${names.reduce((p, n) => p.replace(`{${n}}`, t[n]), path)}`,
          params: { project: project.slug, ...Object.fromEntries(names.map((n) => [n, t[n]])) },
          body: {},
        };
      },
    };
  }
}
