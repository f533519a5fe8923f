import { randomBytes, randomUUID } from 'node:crypto';
import { comparisons, models, modelVersions, runs, runSteps, type Comparison, type Run } from '@/db/schema';
import { createUpload } from '@/lib/uploads/create-upload';
import type { Db } from '@/lib/db';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import type { Mat4 } from '@/lib/imaging/volume';
import { stepOutputKey } from '@/lib/storage/keys';
import { putObject } from '@/lib/storage/objects';
import type { TestProject } from '@/test/test-project';

/**
 * A finished run as the pipeline leaves it (run row with the model specs it used, succeeded steps
 * with their outputs, the shadow comparison), written straight into the tables, with small real
 * NIfTI objects in the store when `objects` is set: tests of the viewer and review paths need no
 * inference.
 */
export const LABELS = [
  { value: 0, name: 'background', color: [0, 0, 0] },
  { value: 1, name: 'White Matter', color: [255, 255, 255] },
  { value: 2, name: 'Grey Matter', color: [205, 62, 78] },
];

const AFFINE: Mat4 = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
];
const DIMS: [number, number, number] = [4, 4, 3];

function nifti(data: Uint8Array): Uint8Array {
  return writeNifti({ dims: DIMS, spacing: [1, 1, 1], affine: AFFINE, data }, { gzip: true });
}

export async function seedModelVersions(db: Db): Promise<{ name: string; liveId: string; shadowId: string }> {
  const name = `viewer-${randomBytes(3).toString('hex')}`;
  const [model] = await db.insert(models).values({ name }).returning();
  const spec = { labels: LABELS };
  const [live, shadow] = await db
    .insert(modelVersions)
    .values([
      { modelId: model.id, version: '1.0.0', sha256: randomBytes(32).toString('hex'), artifactKey: `models/${name}/1.0.0/model.onnx`, spec },
      { modelId: model.id, version: '1.1.0-rc', sha256: randomBytes(32).toString('hex'), artifactKey: `models/${name}/1.1.0-rc/model.onnx`, spec },
    ])
    .returning();
  return { name, liveId: live.id, shadowId: shadow.id };
}

export interface SeededRun {
  run: Run;
  comparison: Comparison | null;
  keys: { volume: string; serving: string; shadow: string | null };
}

export async function seedRunWithImages(
  db: Db,
  project: TestProject,
  opts: { shadow?: boolean; objects?: boolean; steps?: ('convert' | 'infer-serving' | 'infer-shadow')[]; volumeKey?: (k: string) => string } = {},
): Promise<SeededRun> {
  const withShadow = opts.shadow ?? true;
  const m = await seedModelVersions(db);
  const { studyId } = await db.transaction((tx) => createUpload(tx, { projectId: project.id, userId: project.users.researcher.id }));
  const chosen = <R extends 'live' | 'shadow'>(role: R, version: string, versionId: string) => ({
    role,
    model: m.name,
    version,
    versionId,
    sha256: '0'.repeat(64),
    artifactKey: `models/${m.name}/${version}/model.onnx`,
    spec: { labels: LABELS },
  });
  const [run] = await db
    .insert(runs)
    .values({
      projectId: project.id,
      studyId,
      runKey: randomBytes(32).toString('hex'),
      status: 'succeeded',
      pipelineVersion: 'segflow-pipeline/1',
      modelVersionId: m.liveId,
      servedBy: 'live',
      shadowVersionId: withShadow ? m.shadowId : null,
      params: {
        model: m.name,
        seriesId: randomUUID(),
        kind: 'nifti',
        deidOptions: {},
        serving: chosen('live', '1.0.0', m.liveId),
        ...(withShadow ? { shadow: chosen('shadow', '1.1.0-rc', m.shadowId) } : {}),
      },
      submittedBy: project.users.researcher.id,
    })
    .returning();
  const key = (task: string, name: string) => stepOutputKey({ projectId: project.id, studyId, runId: run.id, task, name });
  const count = DIMS[0] * DIMS[1] * DIMS[2];
  const volume = new Uint8Array(count).map((_, i) => (i * 7) % 200);
  const serving = new Uint8Array(count).map((_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 2 : 0));
  const shadow = new Uint8Array(count).map((_, i) => (i % 4 === 0 ? 1 : i % 4 === 1 ? 2 : 0));
  const files = {
    convert: { name: 'volume.nii.gz', key: (opts.volumeKey ?? ((k: string) => k))(key('convert', 'volume.nii.gz')), bytes: nifti(volume) },
    'infer-serving': { name: 'mask.nii.gz', key: key('infer-serving', 'mask.nii.gz'), bytes: nifti(serving) },
    'infer-shadow': { name: 'mask.nii.gz', key: key('infer-shadow', 'mask.nii.gz'), bytes: nifti(shadow) },
  };
  const steps = opts.steps ?? (['convert', 'infer-serving', ...(withShadow ? ['infer-shadow' as const] : [])] as const);
  for (const task of steps) {
    const f = files[task];
    const put = opts.objects
      ? await putObject({ key: f.key, body: f.bytes, contentType: 'application/gzip' })
      : { versionId: null, sha256: randomBytes(32).toString('hex'), size: f.bytes.length };
    await db.insert(runSteps).values({
      runId: run.id,
      name: task,
      status: 'succeeded',
      attempts: 1,
      startedAt: new Date(),
      finishedAt: new Date(),
      outputs: [{ name: f.name, key: f.key, versionId: put.versionId, sha256: put.sha256, size: put.size }],
    });
  }
  let comparison: Comparison | null = null;
  if (withShadow) {
    const metrics = [
      { value: 1, name: 'White Matter', dice: 0.91, hd95Mm: 1.5, assdMm: 0.4, liveMl: 10, shadowMl: 11, volumeDiffMl: 1, volumeDiffPct: 10 },
      { value: 2, name: 'Grey Matter', dice: 0.87, hd95Mm: 2, assdMm: 0.6, liveMl: 12, shadowMl: 11, volumeDiffMl: -1, volumeDiffPct: -8.3 },
    ];
    [comparison] = await db
      .insert(comparisons)
      .values({ projectId: project.id, runId: run.id, liveVersionId: m.liveId, shadowVersionId: m.shadowId, metrics })
      .returning();
  }
  return { run, comparison, keys: { volume: files.convert.key, serving: files['infer-serving'].key, shadow: withShadow ? files['infer-shadow'].key : null } };
}
