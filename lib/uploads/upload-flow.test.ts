import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { patientIdentities, series, storedObjects, studies, studyIdentities } from '@/db/schema';
import { getDb } from '@/lib/db';
import { getObjectBytes } from '@/lib/storage/objects';
import { createTestProject, type TestProject } from '@/test/test-project';
import { fetchPut, type PutBytes } from './client/put-bytes';
import { memoryResumeStore } from './client/resume-store';
import { UploadApi } from './client/upload-api';
import { UploadEngine } from './client/upload-engine';
import { bytesSource, CT_SERIES_DIR, ctSeriesSources, fileSource, T1_NIFTI } from './test/fixtures';
import { dispatchFetch } from './test/dispatch-api';
import { makeNifti } from './test/make-nifti';

let tp: TestProject;
const api = (token: string) => new UploadApi({ baseUrl: 'http://segflow.test', token, fetch: dispatchFetch() });

beforeAll(async () => {
  tp = await createTestProject(getDb());
});

describe('upload engine against the real API, s3rver and database', () => {
  it('uploads a CT series and a NIfTI volume, indexes them, and rejects bad files with a reason', async () => {
    const engine = new UploadEngine({ api: api(tp.users.researcher.token), project: tp.slug });
    engine.add([
      ...ctSeriesSources(),
      fileSource(T1_NIFTI),
      bytesSource(new TextEncoder().encode('just some notes, not an image'), 'notes.txt'),
      bytesSource(new Uint8Array(0), 'empty.dcm'),
      fileSource(join(process.cwd(), 'fixtures/dicom/malformed/pydicom/MR_truncated.dcm')),
    ]);
    const result = await engine.run();
    const summary = { ...result, study: result.study! };

    expect(summary.series).toHaveLength(1);
    expect(summary.series[0]).toMatchObject({ modality: 'CT', instances: 30, rows: 512, columns: 512 });
    expect(summary.volumes).toHaveLength(1);
    expect(summary.volumes[0].dims).toEqual([256, 256, 256]);
    const reasons = Object.fromEntries(summary.rejected.map((r) => [r.file, r.reason]));
    expect(reasons['notes.txt']).toMatch(/not a DICOM or NIfTI file/);
    expect(reasons['empty.dcm']).toMatch(/empty/);
    expect(reasons['MR_truncated.dcm']).toMatch(/MR_truncated\.dcm/);
    expect(Object.keys(reasons)).toHaveLength(3);

    const db = getDb();
    const objects = await db.select().from(storedObjects).where(eq(storedObjects.studyId, summary.study));
    expect(objects).toHaveLength(31);
    const first = objects.find((o) => o.contentType === 'application/dicom')!;
    expect(first.key).toMatch(new RegExp(`^raw-phi/${tp.id}/${summary.study}/[0-9a-f-]{36}/\\d+$`));
    const stored = await getObjectBytes({ key: first.key });
    expect(createHash('sha256').update(stored).digest('hex')).toBe(first.sha256);

    // identifying values live only in the identity tables; the study row has the pseudonym
    const [study] = await db.select().from(studies).where(eq(studies.id, summary.study));
    const [identity] = await db.select().from(studyIdentities).where(eq(studyIdentities.studyId, summary.study));
    const [patient] = await db.select().from(patientIdentities).where(eq(patientIdentities.id, identity.patientIdentityId!));
    expect(study.subjectPseudonym).toBe(patient.pseudonym);
    expect(study.subjectPseudonym).toMatch(/^SUBJ-[0-9A-F]{12}$/);
    expect(patient.patientId.length).toBeGreaterThan(0);
    const seriesRows = await db.select().from(series).where(eq(series.studyId, summary.study));
    expect(JSON.stringify(seriesRows)).not.toContain(patient.patientId);

    // the same file again into the same study: refused as a duplicate, the rest unaffected
    const again = new UploadEngine({ api: api(tp.users.researcher.token), project: tp.slug, study: summary.study });
    again.add([fileSource(join(CT_SERIES_DIR, '1-01.dcm'))]);
    const second = await again.run();
    expect(second.rejected).toEqual([{ file: '1-01.dcm', reason: expect.stringMatching(/duplicate of a file already in the study/) }]);
    expect(second.series[0].instances).toBe(30);
  });

  it('sends a large file in 8 MiB parts, several at a time, and the stored object has its SHA-256', async () => {
    const bytes = makeNifti([256, 256, 80]); // 10 MiB: one PUT
    const big = makeNifti([256, 256, 160]); // 20 MiB: 3 parts
    expect(bytes.length).toBeLessThan(16 * 1024 * 1024);
    let puts = 0;
    let peak = 0;
    let now = 0;
    const counting: PutBytes = async (req) => {
      puts++;
      peak = Math.max(peak, ++now);
      try {
        return await fetchPut(req);
      } finally {
        now--;
      }
    };
    const engine = new UploadEngine({ api: api(tp.users.researcher.token), project: tp.slug, putBytes: counting });
    engine.add([bytesSource(big, 'big.nii'), bytesSource(bytes, 'small.nii')]);
    const summary = await engine.run();
    expect(summary.rejected).toEqual([]);
    expect(summary.volumes.map((v) => v.dims)).toEqual(
      expect.arrayContaining([
        [256, 256, 160],
        [256, 256, 80],
      ]),
    );
    expect(puts).toBe(4); // 3 parts + 1 single PUT
    expect(peak).toBeGreaterThan(1);
    const [obj] = await getDb()
      .select()
      .from(storedObjects)
      .where(eq(storedObjects.sha256, createHash('sha256').update(big).digest('hex')));
    expect(obj.size).toBe(big.length);
    expect(
      createHash('sha256')
        .update(await getObjectBytes({ key: obj.key }))
        .digest('hex'),
    ).toBe(obj.sha256);
  });

  it('resumes after an interruption and resends only the parts the store does not hold', async () => {
    const big = makeNifti([256, 256, 320]); // 40 MiB + header: 6 parts, the last one small
    const store = memoryResumeStore();
    let sent = 0;
    // the connection drops after two parts: every later PUT fails like a network error
    const failing: PutBytes = async (req) => {
      if (++sent > 2) throw new TypeError('network down');
      return fetchPut(req);
    };
    const engineA = new UploadEngine({ api: api(tp.users.researcher.token), project: tp.slug, store, partsInFlight: 1, putBytes: failing, retryDelayMs: 1 });
    engineA.add([bytesSource(big, 'resume.nii')]);
    await expect(engineA.run()).rejects.toThrow(/could not be sent/);
    expect(store.load(engineA.resumeKey)).not.toBeNull();
    const rec = store.load(engineA.resumeKey)!;
    expect(Object.keys(Object.values(rec.files)[0].parts)).toEqual(['1', '2']);

    const parts: string[] = [];
    const engineB = new UploadEngine({
      api: api(tp.users.researcher.token),
      project: tp.slug,
      store,
      putBytes: (req) => {
        parts.push(new URL(req.url).searchParams.get('partNumber') ?? 'single');
        return fetchPut(req);
      },
    });
    engineB.add([bytesSource(big, 'resume.nii')]);
    const summary = await engineB.run();
    expect(summary.study).toBe(rec.studyId);
    expect(parts.sort()).toEqual(['3', '4', '5', '6']);
    expect(summary.volumes.some((v) => v.dims[2] === 320)).toBe(true);
    expect(store.load(engineB.resumeKey)).toBeNull();
  });
});
