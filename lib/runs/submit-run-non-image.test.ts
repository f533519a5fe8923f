import { afterAll, describe, expect, it } from 'vitest';
import { series } from '@/db/schema';
import { closeDb, getDb } from '@/lib/db';
import { isAppError } from '@/lib/errors';
import { createReferenceUpload } from '@/lib/references/create-reference-upload';
import { createUpload } from '@/lib/uploads/create-upload';
import { createTestProject } from '@/test/test-project';
import { submitRun } from './submit-run';

describe('a run or a reference on a series that is not images', () => {
  afterAll(closeDb);

  it('is refused for a DICOM SEG series, saying what it is and what to do instead', async () => {
    const db = getDb();
    const tp = await createTestProject(db);
    const { studyId } = await db.transaction((tx) => createUpload(tx, { projectId: tp.id, userId: tp.users.researcher.id }));
    const [seg] = await db
      .insert(series)
      .values({ projectId: tp.id, studyId, kind: 'dicom', modality: 'SEG', seriesInstanceUid: '1.2.3.4', instances: 3 })
      .returning();
    const err = await db
      .transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId: seg.id, model: 'brain-tissue', submittedBy: tp.users.researcher.id }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isAppError(err) && err.code).toBe('invalid_input');
    expect((err as Error).message).toBe(
      `series ${seg.id} is a DICOM Segmentation (attach it as a reference of the image series it segments), not images a model can segment`,
    );
    // nor is it a target of a reference (the study page does not offer it; the API refuses it too)
    const refErr = await db
      .transaction((tx) => createReferenceUpload(tx, { projectId: tp.id, userId: tp.users.researcher.id, studyId, seriesId: seg.id }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isAppError(refErr) && refErr.code).toBe('invalid_input');
    expect((refErr as Error).message).toMatch(/is a DICOM Segmentation .*, not images a reference can segment$/);
  });
});
