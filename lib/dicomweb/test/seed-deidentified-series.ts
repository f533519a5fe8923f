import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { dicomInstances, projects, runs } from '@/db/schema';
import type { Db } from '@/lib/db';
import { loadRunContext, recordStepResult } from '@/lib/executor/run-context';
import { parseStepResult, type TStepInvocation } from '@/lib/pipeline/step-contract';
import { rawPhiKey } from '@/lib/storage/keys';
import { putObject } from '@/lib/storage/objects';
import { createUpload } from '@/lib/uploads/create-upload';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';
import { deidentify } from '@/workers/steps/deidentify';
import { fakeRunParams } from '../../../test/run-params';
import type { TestProject } from '../../../test/test-project';

export const CT_FIXTURE = 'fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/ct';

/**
 * A study of `project` whose DICOM series went through the real de-identify step (raw-phi/ in,
 * derived/ out) and was recorded as an executor records it: stored_objects and the DICOMweb index.
 */
export async function seedDeidentifiedSeries(db: Db, project: TestProject, dir = CT_FIXTURE) {
  const { studyId, uploadId } = await db.transaction((tx) => createUpload(tx, { projectId: project.id, userId: project.users.researcher.id }));
  const [run] = await db
    .insert(runs)
    .values({
      projectId: project.id,
      studyId,
      runKey: randomBytes(32).toString('hex'),
      status: 'succeeded',
      pipelineVersion: 'segflow-pipeline/1',
      params: { ...fakeRunParams(), kind: 'dicom' },
      submittedBy: project.users.researcher.id,
    })
    .returning();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort();
  const raw = files.map((f) => new Uint8Array(readFileSync(join(dir, f))));
  const inputs = await Promise.all(raw.map((body, index) => putObject({ key: rawPhiKey({ projectId: project.id, studyId, uploadId, index }), body })));
  const [{ deidSecret }] = await db.select({ deidSecret: projects.deidSecret }).from(projects).where(eq(projects.id, project.id));
  const inv = {
    step: 'deidentify',
    task: 'deidentify',
    run: { id: run.id, projectId: project.id, studyId },
    kind: 'dicom',
    inputs,
    upstream: {},
    params: { deidOptions: {} },
  } as TStepInvocation & { step: 'deidentify' };
  const before = process.env[DEID_SECRET_ENV];
  process.env[DEID_SECRET_ENV] = deidSecret;
  let result: Awaited<ReturnType<typeof deidentify>>;
  try {
    result = parseStepResult('deidentify', await deidentify(inv)) as typeof result;
  } finally {
    if (before === undefined) delete process.env[DEID_SECRET_ENV];
    else process.env[DEID_SECRET_ENV] = before;
  }
  const c = await loadRunContext(db, run.id);
  const task = c.tasks.find((t) => t.id === 'deidentify');
  if (!task) throw new Error('no deidentify task in the plan');
  await recordStepResult(db, c, task, result);
  const indexed = await db.select().from(dicomInstances).where(eq(dicomInstances.runId, run.id)).orderBy(asc(dicomInstances.instanceNumber));
  return {
    studyId,
    runId: run.id,
    raw,
    outputs: result.outputs,
    indexed,
    deidSecret,
    studyInstanceUid: indexed[0].studyInstanceUid,
    seriesInstanceUid: indexed[0].seriesInstanceUid,
  };
}
