/**
 * Reference segmentations end to end against the real route handlers, database and S3 server: the
 * dcmqi 3-slice CT is uploaded as a study, its liver SEG attached through the upload flow as the
 * reference, and a run whose serving mask is that same liver is compared with it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as referencesRoute from '@/app/api/studies/[study]/references/route';
import { models, modelVersions, referenceComparisons, runs, runSteps, storedObjects, studyReferences, type Run } from '@/db/schema';
import { closeDb, getDb } from '@/lib/db';
import { seriesToVolume } from '@/lib/imaging/dicom/series-to-volume';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import { readSeg } from '@/lib/imaging/seg/read-seg';
import { SERVING_INFER_TASK } from '@/lib/pipeline/definition';
import { stepOutputKey } from '@/lib/storage/keys';
import { getObjectBytes, putObject } from '@/lib/storage/objects';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { bytesSource, fileSource } from '@/lib/uploads/test/fixtures';
import { handleApiRequest } from '@/lib/uploads/test/dispatch-api';
import { makeNifti } from '@/lib/uploads/test/make-nifti';
import { routeRequest, type RouteTable } from '@/test/route-server';
import { fakeRunParams } from '@/test/run-params';
import { createTestProject, type TestProject } from '@/test/test-project';
import { attachReference } from './client/attach-reference';
import { compareRunWithReferences } from './compare-run-with-references';
import { findRunReferenceMasks } from '../viewer/run-reference-masks';
import { ZReferenceMetrics } from './reference-metrics';
import { listRunReferenceComparisons } from './list-run-reference-comparisons';
import { referenceDiceOfVersion } from './reference-dice-of-version';
import { referenceAccuracy } from '../dashboard/reference-accuracy';
import { dashboardRange } from '../dashboard/dashboard-range';

const DIR = join(process.cwd(), 'fixtures/dicom/series/dcmqi-ct-3slice-liver-seg');
const SEG = join(DIR, 'liver_seg.dcm');
const ctFiles = readdirSync(join(DIR, 'ct'))
  .sort()
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(DIR, 'ct', name))) }));
const OTHER_SERIES = join(process.cwd(), 'fixtures/dicom/series/dicom2nifti/generic/anatomical/001');

const BASE = 'http://segflow.test';
const ROUTES: RouteTable = [
  ['GET', /^\/api\/studies\/([^/]+)\/references$/, ['study'], referencesRoute.GET],
  ['POST', /^\/api\/studies\/([^/]+)\/references$/, ['study'], referencesRoute.POST],
];
const dispatch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const req = new Request(input instanceof Request ? input : new URL(String(input), BASE), init);
  const url = new URL(req.url);
  if (url.origin !== BASE) return fetch(req);
  return /\/references$/.test(url.pathname) ? routeRequest(ROUTES, req) : handleApiRequest(req);
}) as typeof fetch;

let tp: TestProject;
const apiOpts = () => ({ baseUrl: BASE, token: tp.users.researcher.token, fetch: dispatch });

async function uploadStudy(sources: ReturnType<typeof fileSource>[]) {
  const engine = new UploadEngine({ api: new UploadApi(apiOpts()), project: tp.slug });
  engine.add(sources);
  const r = await engine.run();
  if (!r.study) throw new Error(`the upload made no study: ${JSON.stringify(r.rejected)}`);
  return { ...r, study: r.study };
}

/** A model whose label table has the liver (as the SEG names it, in other case) and a label the SEG lacks. */
async function liverModelVersion() {
  const spec = JSON.parse(readFileSync('models/brain-tissue/spec.json', 'utf8'));
  spec.output.shape[1] = 3;
  spec.labels = [
    { value: 0, name: 'background', color: [0, 0, 0] },
    { value: 1, name: 'Spleen', color: [0, 200, 0] },
    { value: 2, name: 'liver', color: [221, 130, 101] },
  ];
  const db = getDb();
  const [model] = await db
    .insert(models)
    .values({ name: `liver-${randomBytes(4).toString('hex')}` })
    .returning();
  const [version] = await db
    .insert(modelVersions)
    .values({ modelId: model.id, version: '1.0.0', sha256: '0'.repeat(64), artifactKey: `models/${model.name}/1.0.0/model.onnx`, spec, status: 'validated' })
    .returning();
  return { version: { ...version, modelName: model.name }, spec };
}

/** A succeeded run on `seriesId` whose serving mask (on the convert step's grid) is `mask`, as an executor records it. */
async function seedRun(studyId: string, seriesId: string, versionId: string, spec: Record<string, unknown>, mask: Uint8Array): Promise<Run> {
  const db = getDb();
  const grid = await seriesToVolume(ctFiles);
  const [run] = await db
    .insert(runs)
    .values({
      projectId: tp.id,
      studyId,
      runKey: randomBytes(32).toString('hex'),
      status: 'succeeded',
      pipelineVersion: 'segflow-pipeline/1',
      modelVersionId: versionId,
      params: { ...fakeRunParams({ versionId, spec }), seriesId, kind: 'dicom' },
      submittedBy: tp.users.researcher.id,
    })
    .returning();
  const key = stepOutputKey({ projectId: tp.id, studyId, runId: run.id, task: SERVING_INFER_TASK, name: 'mask.nii.gz' });
  const put = await putObject({ key, body: gzipSync(writeNifti({ ...grid, data: mask })) });
  await db.insert(runSteps).values({ runId: run.id, name: SERVING_INFER_TASK, status: 'succeeded', outputs: [{ name: 'mask.nii.gz', ...put }] });
  return run;
}

beforeAll(async () => {
  tp = await createTestProject(getDb());
});
afterAll(closeDb);

/** A study of the other series (not the one liver_seg.dcm references), uploaded through the API. */
const uploadOtherSeries = () =>
  uploadStudy(
    readdirSync(OTHER_SERIES)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => fileSource(join(OTHER_SERIES, f))),
  );

/** Attaches the file at `path` as a reference of the study's first series. */
const attachToFirstSeries = (study: Awaited<ReturnType<typeof uploadStudy>>, path: string) =>
  attachReference({ api: apiOpts(), project: tp.slug, study: study.study, series: study.series[0].id, source: fileSource(path) });

describe('reference segmentations', () => {
  it('a reference SEG attached to the dcmqi CT gives Dice 1.0 against itself (HD95 0, volume difference 0)', async () => {
    const study = await uploadStudy(ctFiles.map((f) => bytesSource(f.bytes, f.name)));
    expect(study.series).toHaveLength(1);
    const seriesId = study.series[0].id;
    const { version, spec } = await liverModelVersion();
    // the run's mask: the liver as label 2 of the model (the SEG calls it segment 1, "Liver")
    const liver = readSeg(new Uint8Array(readFileSync(SEG)), ctFiles).labelmap.data;
    const mask = new Uint8Array(liver.length);
    for (let i = 0; i < mask.length; i++) mask[i] = liver[i] ? 2 : 0;
    const before = await seedRun(study.study, seriesId, version.id, spec, mask);

    const { reference, summary } = await attachReference({ api: apiOpts(), project: tp.slug, study: study.study, series: seriesId, source: fileSource(SEG) });
    expect(summary.rejected).toEqual([]);
    expect(reference).toMatchObject({ status: 'ready', format: 'seg', labels: [{ value: 1, name: 'Liver' }], fileName: 'liver_seg.dcm', error: null });
    // not a series of the study: the study still has its one CT series
    expect(summary.series).toHaveLength(1);

    const db = getDb();
    const [row] = await db.select().from(studyReferences).where(eq(studyReferences.id, reference!.id));
    expect(row.labelmapKey).toMatch(new RegExp(`^derived/${tp.id}/${study.study}/references/${row.id}/labelmap\\.nii\\.gz$`));
    const objects = await db.select().from(storedObjects).where(eq(storedObjects.studyId, study.study));
    expect(objects.filter((o) => o.class === 'phi')).toHaveLength(4); // 3 CT instances + the raw SEG upload
    expect(objects.filter((o) => o.class === 'derived').map((o) => o.key)).toEqual([row.labelmapKey]);
    // the derived labelmap is the liver on the CT grid
    const stored = readNifti(await getObjectBytes({ key: row.labelmapKey! }), 'reference');
    expect(stored.dims).toEqual([512, 512, 3]);
    const count = (a: ArrayLike<number>) => Array.from(a).filter((v) => v !== 0).length;
    expect(count(stored.data)).toBe(count(liver));

    // the run that finished before the reference arrived was compared on attach
    const [cmp] = await db.select().from(referenceComparisons).where(eq(referenceComparisons.runId, before.id));
    expect(cmp).toMatchObject({ referenceId: row.id, modelVersionId: version.id, meanDice: 1 });
    const metrics = ZReferenceMetrics.parse(cmp.metrics);
    expect(metrics.labels).toHaveLength(1); // Spleen is not in the reference: not compared
    expect(metrics.labels[0]).toMatchObject({ value: 2, name: 'liver', dice: 1, hd95Mm: 0, volumeDiffMl: 0, volumeDiffPct: 0 });
    expect(metrics.labels[0].liveMl).toBeGreaterThan(10);
    expect(metrics.unmatched).toEqual([]);

    // the viewer gets the reference as a further mask of the run, coloured as the model's label of its name
    const masks = await findRunReferenceMasks(db, { runId: before.id, projectId: tp.id });
    expect(masks).toEqual([
      {
        id: 'reference',
        role: 'reference',
        model: 'reference',
        version: 'seg',
        labels: [{ value: 1, name: 'Liver', color: [221, 130, 101] }],
        ref: {
          key: row.labelmapKey,
          versionId: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          size: expect.any(Number),
        },
      },
    ]);

    // a run finishing after it is compared by the after-run hook's function; a second call writes nothing more
    const halfMask = new Uint8Array(mask);
    for (let i = 0; i < halfMask.length / 2; i++) halfMask[i] = 0;
    const after = await seedRun(study.study, seriesId, version.id, spec, halfMask);
    expect(await compareRunWithReferences(db, after)).toBe(1);
    expect(await compareRunWithReferences(db, after)).toBe(0);
    const [second] = await db
      .select()
      .from(referenceComparisons)
      .where(and(eq(referenceComparisons.runId, after.id)));
    expect(second.meanDice).toBeGreaterThan(0);
    expect(second.meanDice).toBeLessThan(1);

    // the run page lists the serving version's comparison
    const listed = await listRunReferenceComparisons(db, { runId: before.id, projectId: tp.id });
    expect(listed.map((c) => [c.fileName, c.format, c.meanDice])).toEqual([['liver_seg.dcm', 'seg', 1]]);

    // the dashboard's accuracy per version and label, and the gates' per-run Dice of the version
    const dash = await referenceAccuracy(db, { projectId: tp.id, range: dashboardRange('24h') });
    expect(dash).toEqual([{ version: `${version.modelName}@1.0.0`, label: 'liver', meanDice: expect.any(Number), p10Dice: expect.any(Number), cases: 2 }]);
    expect(dash[0].meanDice).toBeCloseTo((1 + second.meanDice) / 2, 5);
    expect(await referenceDiceOfVersion(db, { versionId: version.id })).toEqual([1, second.meanDice]);
  });

  it('refuses a SEG that references instances of another series, naming the file', async () => {
    const study = await uploadOtherSeries();
    expect(study.series).toHaveLength(1);
    const { reference, summary } = await attachToFirstSeries(study, SEG);
    expect(reference?.status).toBe('rejected');
    expect(reference?.error).toMatch(/^liver_seg\.dcm: references 3 of its 3 instance\(s\) that are not in the series it is attached to/);
    expect(summary.rejected).toEqual([{ file: 'liver_seg.dcm', reason: reference?.error }]);
    const [row] = await getDb().select().from(studyReferences).where(eq(studyReferences.id, reference!.id));
    expect(row.labelmapKey).toBeNull();
    const derived = await getDb()
      .select()
      .from(storedObjects)
      .where(and(eq(storedObjects.studyId, study.study), eq(storedObjects.class, 'derived')));
    expect(derived).toEqual([]);
  });

  it('leaves no reference behind when its file is refused before it is sent (not DICOM, not NIfTI)', async () => {
    const study = await uploadOtherSeries();
    const dir = mkdtempSync(join(tmpdir(), 'segflow-ref-'));
    const notDicom = join(dir, 'notdicom.dcm');
    writeFileSync(notDicom, 'this is a text file, not a DICOM object\n'.repeat(20));
    const { reference, summary } = await attachToFirstSeries(study, notDicom);
    expect(reference).toBeNull();
    expect(summary.rejected.map((r) => r.file)).toEqual(['notdicom.dcm']);
    expect(await getDb().select().from(studyReferences).where(eq(studyReferences.studyId, study.study))).toEqual([]);
  });

  it('refuses a NIfTI labelmap on another grid than the volume, and accepts one on its grid', async () => {
    const volume = makeNifti([8, 8, 4]);
    const study = await uploadStudy([bytesSource(volume, 'volume.nii')]);
    expect(study.volumes).toHaveLength(1);
    const { affine } = readNifti(volume, 'volume.nii');
    const labelmap = (dims: [number, number, number]) => {
      const data = new Uint8Array(dims[0] * dims[1] * dims[2]).map((_, i) => (i % 3 === 0 ? 1 : 0));
      return writeNifti({ dims, spacing: [1, 1, 1], affine, data });
    };
    const attach = (bytes: Uint8Array, name: string) =>
      attachReference({ api: apiOpts(), project: tp.slug, study: study.study, series: study.volumes[0].id, source: bytesSource(bytes, name) });
    const wrong = await attach(labelmap([8, 8, 5]), 'truth.nii');
    expect(wrong.reference?.status).toBe('rejected');
    expect(wrong.reference?.error).toBe("truth.nii: is 8×8×5 voxels, but the volume it is attached to is 8×8×4; resample it onto the volume's grid");
    const shifted = readNifti(labelmap([8, 8, 4]), 'x');
    shifted.affine[0][3] += 5;
    const moved = await attach(writeNifti(shifted), 'truth-moved.nii');
    expect(moved.reference?.error).toMatch(/^truth-moved\.nii: has the volume's size but not its position or spacing/);
    const right = await attach(labelmap([8, 8, 4]), 'truth-ok.nii');
    expect(right.reference).toMatchObject({ status: 'ready', format: 'nifti', labels: [] });
  });
});
