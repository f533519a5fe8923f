import type { Permission, Role } from '../lib/auth/permissions';
import { createApiToken } from '../lib/auth/api-tokens';
import type { Db } from '../lib/db';
import type { TestProject } from './test-project';
import { addRolloutRows } from './endpoint-matrix-rollout';
import { addModelRows } from './endpoint-matrix-models';
import { addDicomwebRows } from './endpoint-matrix-dicomweb';
import { addViewerRows } from './endpoint-matrix-viewer';
import { addControlRows } from './endpoint-matrix-control';
import { addAdminRows } from './endpoint-matrix-admin';
import { addReferenceRows } from './endpoint-matrix-references';
import { addSeriesRows } from './endpoint-matrix-studies';
import { addWebhookRows } from './endpoint-matrix-webhooks';
import { addAuditRows } from './endpoint-matrix-audit';
import { addModelRegistrationRows } from './endpoint-matrix-model-registration';
import { seedUploadedFile } from './seed-uploaded-file';

/**
 * The expected answer of every guarded endpoint, written down independently of the permission map:
 * who may call it, the status an allowed caller gets (`success`, default 200: a 404 or a 500 for an
 * allowed role is a failure), and a valid input on a real target row that the call succeeds on
 * (created fresh for every call, so state-changing endpoints succeed every time). Grows with every issue.
 */
export interface MatrixCaller {
  /** the user making the call (whose own rows, e.g. API tokens, the input may need) */
  userId: string;
}

export interface MatrixRow {
  permission: Permission;
  allowed: Role[];
  projectScoped?: boolean;
  /**
   * acts on a model owned by the matrix's project (its slot, grants): the role there decides, and a
   * member of another project is refused (403, naming the owner) whatever their role there
   */
  ownedModel?: boolean;
  /** success events one call writes (a shared action is audited in each project it concerns); 1 when not given */
  events?: number;
  /** the status an allowed caller gets on the input's target; 200 when not given */
  success?: number;
  input: (
    db: Db,
    project: TestProject,
    role: Role,
    caller: MatrixCaller,
  ) => Promise<{ method: string; path: string; params?: Record<string, string>; body?: unknown }>;
}

const ALL: Role[] = ['researcher', 'reviewer', 'operator', 'admin'];

/** Authentication itself and the health probe: reachable without a session by design. */
export const PUBLIC_ENDPOINTS = [
  'app/api/auth/[...nextauth]/route.ts#GET',
  'app/api/auth/[...nextauth]/route.ts#POST',
  'app/api/health/route.ts#GET',
  // the platform's public manifest key: anyone holding a manifest must be able to check it
  'app/api/manifests/public-key/route.ts#GET',
  // the one-time invitation link is the credential (lib/admin/accept-invitation-request.ts)
  'app/api/invitations/accept/route.ts#POST',
];

export const matrix: Record<string, MatrixRow> = {
  'app/(app)/settings/tokens/actions.ts#createTokenAction': {
    permission: 'token:manage',
    allowed: ALL,
    input: async () => ({ method: 'POST', path: '', body: { name: 'matrix' } }),
  },
  'app/(app)/settings/tokens/actions.ts#revokeTokenAction': {
    permission: 'token:manage',
    allowed: ALL,
    input: async (db, _project, _role, caller) => {
      const { id } = await createApiToken(db, { userId: caller.userId, name: 'to-revoke' });
      return { method: 'POST', path: '', body: { id } };
    },
  },
};

matrix['app/api/tokens/route.ts#GET'] = {
  permission: 'token:manage',
  allowed: ALL,
  input: async () => ({ method: 'GET', path: '/api/tokens' }),
};

// ---- uploads (issue: uploads) ----
const UPLOADERS: Role[] = ['researcher', 'admin'];

export async function newUpload(db: Db, project: TestProject) {
  const { createUpload } = await import('../lib/uploads/create-upload');
  return db.transaction((tx) => createUpload(tx, { projectId: project.id, userId: project.users.researcher.id }));
}

export async function newUploadFile(db: Db, project: TestProject) {
  const { registerUploadFile } = await import('../lib/uploads/register-upload-file');
  const upload = await newUpload(db, project);
  const sha256 = Math.random().toString(16).slice(2).padEnd(64, '0').slice(0, 64);
  const file = await db.transaction((tx) => registerUploadFile(tx, { projectId: project.id, uploadId: upload.uploadId, name: 'a.dcm', size: 4096, sha256 }));
  return { upload: upload.uploadId, file: file.id, studyId: upload.studyId };
}

matrix['app/api/projects/[project]/uploads/route.ts#POST'] = {
  permission: 'study:upload',
  allowed: UPLOADERS,
  projectScoped: true,
  input: async (_db, project) => ({ method: 'POST', path: `/api/projects/${project.slug}/uploads`, params: { project: project.slug }, body: {} }),
};
matrix['app/api/uploads/[upload]/route.ts#GET'] = {
  permission: 'study:upload',
  allowed: UPLOADERS,
  projectScoped: true,
  input: async (db, project) => {
    const { uploadId } = await newUpload(db, project);
    return { method: 'GET', path: `/api/uploads/${uploadId}`, params: { upload: uploadId } };
  },
};
matrix['app/api/uploads/[upload]/files/route.ts#POST'] = {
  permission: 'study:upload',
  allowed: UPLOADERS,
  projectScoped: true,
  input: async (db, project) => {
    const { uploadId } = await newUpload(db, project);
    return {
      method: 'POST',
      path: `/api/uploads/${uploadId}/files`,
      params: { upload: uploadId },
      body: { name: 'x.dcm', size: 2048, sha256: 'ab'.repeat(32) },
    };
  },
};
for (const [name, method, body] of [
  ['sign', 'POST', { partNumber: 1 }],
  ['parts', 'GET', undefined],
  ['abort', 'POST', {}],
] as const) {
  matrix[`app/api/uploads/[upload]/files/[file]/${name}/route.ts#${method}`] = {
    permission: 'study:upload',
    allowed: UPLOADERS,
    projectScoped: true,
    input: async (db, project) => {
      const f = await newUploadFile(db, project);
      return { method, path: `/api/uploads/${f.upload}/files/${f.file}/${name}`, params: { upload: f.upload, file: f.file }, body };
    },
  };
}
matrix['app/api/uploads/[upload]/files/[file]/complete/route.ts#POST'] = {
  permission: 'study:upload',
  allowed: UPLOADERS,
  projectScoped: true,
  // bytes in the store, not yet checked: completing verifies and indexes them (200, not 422)
  input: async (db, project) => {
    const f = await seedUploadedFile(db, project, { complete: false });
    return { method: 'POST', path: `/api/uploads/${f.upload}/files/${f.file}/complete`, params: { upload: f.upload, file: f.file }, body: {} };
  },
};
matrix['app/api/uploads/[upload]/files/batch/route.ts#POST'] = {
  permission: 'study:upload',
  allowed: UPLOADERS,
  projectScoped: true,
  input: async (db, project) => {
    const { uploadId } = await newUpload(db, project);
    return {
      method: 'POST',
      path: `/api/uploads/${uploadId}/files/batch`,
      params: { upload: uploadId },
      body: { files: [{ name: 'x.dcm', size: 2048, sha256: 'ab'.repeat(32) }] },
    };
  },
};
matrix['app/api/uploads/[upload]/files/batch/complete/route.ts#POST'] = {
  permission: 'study:upload',
  allowed: UPLOADERS,
  projectScoped: true,
  input: async (db, project) => {
    const f = await seedUploadedFile(db, project, { complete: false });
    return { method: 'POST', path: `/api/uploads/${f.upload}/files/batch/complete`, params: { upload: f.upload }, body: { files: [f.file] } };
  },
};
matrix['app/api/uploads/[upload]/complete/route.ts#POST'] = {
  permission: 'study:upload',
  allowed: UPLOADERS,
  projectScoped: true,
  input: async (db, project) => {
    const { upload } = await seedUploadedFile(db, project);
    return { method: 'POST', path: `/api/uploads/${upload}/complete`, params: { upload }, body: {} };
  },
};
matrix['app/api/studies/[study]/route.ts#GET'] = {
  permission: 'study:read',
  allowed: ['researcher', 'admin'],
  projectScoped: true,
  input: async (db, project) => {
    const { studyId } = await newUpload(db, project);
    return { method: 'GET', path: `/api/studies/${studyId}`, params: { study: studyId } };
  },
};

// ---- models (issue: inference worker) ----
matrix['app/api/models/[model]/versions/[version]/route.ts#GET'] = {
  permission: 'model:read',
  allowed: ['researcher', 'operator', 'admin'],
  input: async (db) => {
    const { seedDemoModels } = await import('../lib/platform/seed-demo-content');
    await seedDemoModels(db);
    return { method: 'GET', path: '/api/models/brain-tissue/versions/1.0.0', params: { model: 'brain-tissue', version: '1.0.0' } };
  },
};

// ---- studies ----
matrix['app/(app)/studies/[study]/actions.ts#revealStudyIdentityAction'] = {
  permission: 'phi:read',
  allowed: ['researcher', 'admin'],
  projectScoped: true,
  input: async (db, project) => {
    const { studyId } = await newUpload(db, project);
    return { method: 'POST', path: '', body: { study: studyId } };
  },
};

// ---- runs (pipeline engine) ----
const RUN_READERS: Role[] = ['researcher', 'operator', 'admin'];

/**
 * A run of the project's own study. Finished by default: a queued row would be picked up by any
 * executor sharing this database (CI's e2e app) — unless it is of an executor kind none takes.
 */
export async function newRun(db: Db, project: TestProject, over: { status?: 'queued' | 'running' | 'failed' | 'succeeded'; executor?: string } = {}) {
  const { runs } = await import('../db/schema');
  const { randomBytes } = await import('node:crypto');
  const { fakeRunParams } = await import('./run-params');
  const { studyId } = await newUpload(db, project);
  const [run] = await db
    .insert(runs)
    .values({
      projectId: project.id,
      studyId,
      runKey: randomBytes(32).toString('hex'),
      status: over.status ?? 'succeeded',
      ...(over.executor ? { executor: over.executor } : {}),
      pipelineVersion: 'segflow-pipeline/1',
      params: fakeRunParams(),
      submittedBy: project.users.researcher.id,
    })
    .returning();
  return run;
}

matrix['app/api/projects/[project]/studies/route.ts#GET'] = {
  permission: 'study:read',
  allowed: ['researcher', 'admin'],
  projectScoped: true,
  input: async (_db, project) => ({ method: 'GET', path: `/api/projects/${project.slug}/studies?limit=5`, params: { project: project.slug } }),
};
matrix['app/api/projects/[project]/runs/route.ts#GET'] = {
  permission: 'run:read',
  allowed: RUN_READERS,
  projectScoped: true,
  input: async (_db, project) => ({ method: 'GET', path: `/api/projects/${project.slug}/runs`, params: { project: project.slug } }),
};
/** A volume uploaded and indexed, and the demo model on its slot: what a run submission needs. */
async function submittableSeries(db: Db, project: TestProject) {
  const { seedDemoModels } = await import('../lib/platform/seed-demo-content');
  await seedDemoModels(db);
  const f = await seedUploadedFile(db, project);
  return { studyId: f.studyId, seriesId: f.seriesId! };
}

matrix['app/api/projects/[project]/runs/route.ts#POST'] = {
  permission: 'run:submit',
  allowed: ['researcher', 'admin'],
  projectScoped: true,
  // a new volume each time: a new run (201); the matrix test cancels the queued runs it made
  success: 201,
  input: async (db, project) => {
    const { seriesId } = await submittableSeries(db, project);
    return { method: 'POST', path: `/api/projects/${project.slug}/runs`, params: { project: project.slug }, body: { series: seriesId, model: 'brain-tissue' } };
  },
};
matrix['app/api/runs/[run]/route.ts#GET'] = {
  permission: 'run:read',
  allowed: RUN_READERS,
  projectScoped: true,
  input: async (db, project) => {
    const run = await newRun(db, project);
    return { method: 'GET', path: `/api/runs/${run.id}`, params: { run: run.id } };
  },
};
matrix['app/api/runs/[run]/manifest/route.ts#GET'] = {
  permission: 'promotion:read',
  allowed: ['operator', 'admin'],
  projectScoped: true,
  input: async (db, project) => {
    const run = await newRun(db, project);
    // a stored manifest to read (its content is not what this matrix checks)
    const { runs } = await import('../db/schema');
    const { eq } = await import('drizzle-orm');
    const { manifestKey } = await import('../lib/storage/keys');
    const { putObject } = await import('../lib/storage/objects');
    const key = manifestKey({ projectId: project.id, runId: run.id });
    await putObject({ key, body: Buffer.from('{"manifest":{}}'), contentType: 'application/json' });
    await db.update(runs).set({ manifestKey: key }).where(eq(runs.id, run.id));
    return { method: 'GET', path: `/api/runs/${run.id}/manifest`, params: { run: run.id } };
  },
};
matrix['app/(app)/studies/[study]/actions.ts#startRunAction'] = {
  permission: 'run:submit',
  allowed: ['researcher', 'admin'],
  projectScoped: true,
  input: async (db, project) => {
    const { studyId, seriesId } = await submittableSeries(db, project);
    return { method: 'POST', path: '', body: { study: studyId, series: seriesId, model: 'brain-tissue' } };
  },
};

addViewerRows(matrix);
addDicomwebRows(matrix);
addRolloutRows(matrix);
addModelRows(matrix);
addControlRows(matrix);
addAdminRows(matrix);
addReferenceRows(matrix);
addSeriesRows(matrix);
addWebhookRows(matrix);
addAuditRows(matrix);
addModelRegistrationRows(matrix);

// ---- operations dashboard (issue 9) ----
matrix['app/api/projects/[project]/dashboard/route.ts#GET'] = {
  permission: 'dashboard:read',
  allowed: ['operator', 'admin'],
  projectScoped: true,
  input: async (_db, project) => ({ method: 'GET', path: `/api/projects/${project.slug}/dashboard?range=24h`, params: { project: project.slug } }),
};
