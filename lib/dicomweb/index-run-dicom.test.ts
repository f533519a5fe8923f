/**
 * The executors' record of a finished task fills the DICOMweb index: the de-identify step's
 * instances (seedDeidentifiedSeries goes through it) and the serving model's SEG, never the shadow's.
 */
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dicomInstances, projects } from '@/db/schema';
import { closeDb, getDb } from '../db';
import { loadRunContext, recordStepResult } from '../executor/run-context';
import { deidentifyInstance } from '../imaging/dicom/deidentify-instance';
import { stepOutputKey } from '../storage/keys';
import { putObject } from '../storage/objects';
import { createTestProject, type TestProject } from '../../test/test-project';
import { dicomIndexFacts } from './index-facts';
import { seedDeidentifiedSeries } from './test/seed-deidentified-series';

describe('DICOMweb index from run results', () => {
  let project: TestProject;
  beforeAll(async () => {
    project = await createTestProject(getDb());
  });
  afterAll(closeDb);

  it('indexes the serving SEG of a run (run_seg) and not the shadow one', async () => {
    const db = getDb();
    const seeded = await seedDeidentifiedSeries(db, project);
    expect(seeded.indexed.every((i) => i.source === 'deidentified' && i.runId === seeded.runId)).toBe(true);
    const [{ deidSecret }] = await db.select({ deidSecret: projects.deidSecret }).from(projects).where(eq(projects.id, project.id));
    const seg = deidentifyInstance(new Uint8Array(readFileSync('fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/liver_seg.dcm')), 'liver_seg.dcm', {
      secret: deidSecret,
    });
    if (seg.status !== 'written') throw new Error(seg.reason);
    const c = await loadRunContext(db, seeded.runId);
    const result = async (task: string) => {
      const put = await putObject({
        key: stepOutputKey({ projectId: project.id, studyId: seeded.studyId, runId: seeded.runId, task, name: 'seg.dcm' }),
        body: seg.bytes,
      });
      return {
        outputs: [{ name: 'seg.dcm', key: put.key, versionId: put.versionId, sha256: put.sha256, size: put.size }],
        info: { role: 'live', model: 'm@1', provider: 'cpu', labelVolumesMl: {}, timingsMs: 1, segDicom: dicomIndexFacts(seg.bytes, 'seg.dcm') },
      };
    };
    const shadowTask = { id: 'infer-shadow', step: 'infer' as const, model: 'shadow' as const, after: ['convert'] };
    await recordStepResult(db, c, shadowTask, await result('infer-shadow'));
    const rows = () =>
      db
        .select()
        .from(dicomInstances)
        .where(and(eq(dicomInstances.projectId, project.id), eq(dicomInstances.sopInstanceUid, seg.sopInstanceUid)));
    expect(await rows()).toHaveLength(0);
    const servingTask = { id: 'infer-serving', step: 'infer' as const, model: 'serving' as const, after: ['convert'] };
    await recordStepResult(db, c, servingTask, await result('infer-serving'));
    const [row] = await rows();
    expect(row).toMatchObject({ source: 'run_seg', runId: seeded.runId, studyInstanceUid: seeded.studyInstanceUid, modality: 'SEG', numberOfFrames: 3 });
    expect(row.key).toContain('/infer-serving/seg.dcm');
  });
});
