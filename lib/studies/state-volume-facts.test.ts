import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { series } from '@/db/schema';
import { getDb } from '@/lib/db';
import { buildInvocation, loadRunContext } from '@/lib/executor/run-context';
import { seedDemoModels } from '@/lib/platform/seed-demo-content';
import { submitRun } from '@/lib/runs/submit-run';
import { putObject } from '@/lib/storage/objects';
import { T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { infer } from '@/workers/steps/infer';
import { seedUploadedFile } from '@/test/seed-uploaded-file';
import { createTestProject } from '@/test/test-project';
import { stateVolumeFacts, ZVolumeFacts } from './state-volume-facts';

class Rollback extends Error {}

describe('stated modality and body part of a NIfTI volume', () => {
  it('is recorded as the researcher states it; bad values and DICOM series are refused, naming the field', async () => {
    const db = getDb();
    const tp = await createTestProject(db);
    const { seriesId, studyId } = await seedUploadedFile(db, tp);
    const bad = ZVolumeFacts.safeParse({ modality: 'XR', bodyPart: 'brain/skull' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['modality', expect.stringMatching(/^expected one of MR, CT, PT/)],
      ['bodyPart', expect.stringContaining('expected up to 16 letters')],
    ]);
    const facts = ZVolumeFacts.parse({ modality: ' mr', bodyPart: ' head ' });
    expect(facts).toEqual({ modality: 'MR', bodyPart: 'HEAD' });
    expect(await stateVolumeFacts(db, { projectId: tp.id, seriesId: seriesId!, ...facts })).toEqual({ id: seriesId, modality: 'MR', bodyPart: 'HEAD' });
    const [row] = await db.select().from(series).where(eq(series.id, seriesId!));
    expect(row).toMatchObject({ modality: 'MR', bodyPart: 'HEAD' });

    const [dicom] = await db.insert(series).values({ projectId: tp.id, studyId, kind: 'dicom', seriesInstanceUid: '1.2.3', modality: 'CT' }).returning();
    await expect(stateVolumeFacts(db, { projectId: tp.id, seriesId: dicom.id, modality: 'MR', bodyPart: null })).rejects.toThrow(
      `series ${dicom.id} is a DICOM series: its modality and body part come from its own headers`,
    );
    const other = await createTestProject(db);
    await expect(stateVolumeFacts(db, { projectId: other.id, seriesId: seriesId!, modality: 'MR', bodyPart: null })).rejects.toThrow('not found');
  });

  it("go into the run (params and key) and the infer step's invocation; the step refuses a T1 volume stated CT of the chest", async () => {
    const db = getDb();
    await seedDemoModels(db);
    const tp = await createTestProject(db);
    const { seriesId } = await seedUploadedFile(db, tp);
    const submit = (tx: Parameters<Parameters<typeof db.transaction>[0]>[0]) =>
      submitRun(tx, { projectId: tp.id, seriesId: seriesId!, model: 'brain-tissue', submittedBy: tp.users.researcher.id, executor: 'argo' });
    let invocation: Parameters<typeof infer>[0] | undefined;
    // rolled back: no executor sharing this database ever sees these runs
    await db
      .transaction(async (tx) => {
        const before = (await submit(tx)).run;
        expect(before.params).not.toHaveProperty('stated');
        await stateVolumeFacts(tx, { projectId: tp.id, seriesId: seriesId!, modality: 'CT', bodyPart: 'CHEST' });
        const after = (await submit(tx)).run;
        expect(after.runKey).not.toBe(before.runKey);
        expect(after.params).toMatchObject({ stated: { modality: 'CT', bodyPart: 'CHEST' } });
        const c = await loadRunContext(tx, after.id);
        const task = c.tasks.find((t) => t.id === 'infer-serving')!;
        // the volume as convert writes it: the real T1 (so only its stated facts are wrong for the model)
        const t1 = new Uint8Array(readFileSync(T1_NIFTI));
        const put = await putObject({ key: `derived/${tp.id}/facts-test/${after.id}/convert/volume.nii.gz`, body: t1 });
        const volume = {
          name: 'volume.nii.gz',
          key: put.key,
          versionId: put.versionId,
          sha256: createHash('sha256').update(t1).digest('hex'),
          size: t1.length,
        };
        invocation = buildInvocation(c, task, { convert: [volume] }) as typeof invocation;
        throw new Rollback();
      })
      .catch((err) => {
        if (!(err instanceof Rollback)) throw err;
      });
    expect(invocation!.params).toEqual({ stated: { modality: 'CT', bodyPart: 'CHEST' } });
    await expect(infer(invocation!)).rejects.toMatchObject({ code: 'out_of_domain', message: expect.stringMatching(/this .* is CT of the chest/) });
  }, 120_000);
});
