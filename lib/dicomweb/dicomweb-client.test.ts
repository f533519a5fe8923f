/**
 * DICOMweb against a real client: dicomweb-client (the library OHIF uses) talks HTTP to the real
 * route handlers (served in-process by test/route-server.ts) over a series that went through the
 * real de-identify step; the bytes it gets back are checked against what is stored, and parsed
 * with dcmjs and dcmtk's dcmdump.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { subjectPseudonym } from '@/lib/imaging/dicom/subject-pseudonym';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, projects, storedObjects } from '@/db/schema';
import { deidentifyInstance } from '../imaging/dicom/deidentify-instance';
import { closeDb, getDb } from '../db';
import { getObjectBytes } from '../storage/objects';
import { identifyingValues, leaks, probeDatabase, searchableText } from '../../test/phi-probe';
import { startRouteServer } from '../../test/route-server';
import { createTestProject, type TestProject } from '../../test/test-project';
import { listStudyDicomSeries } from './list-study-dicom-series';
import { dicomwebClient } from './test/dicomweb-client-types';
import { dicomwebRoutes } from './test/dicomweb-routes';
import { seedDeidentifiedSeries } from './test/seed-deidentified-series';
import { chainPendingAuditEvents } from '@/lib/audit/chain-pending-audit-events';

const sha = (b: Uint8Array | ArrayBuffer) =>
  createHash('sha256')
    .update(new Uint8Array(b as ArrayBuffer))
    .digest('hex');

describe('DICOMweb with dicomweb-client', () => {
  let project: TestProject;
  let other: TestProject;
  let server: { url: string; close: () => Promise<void> };
  let seeded: Awaited<ReturnType<typeof seedDeidentifiedSeries>>;
  const client = (token: string, slug = project.slug) => dicomwebClient(`${server.url}/dicomweb/${slug}`, token);

  beforeAll(async () => {
    project = await createTestProject(getDb());
    other = await createTestProject(getDb());
    seeded = await seedDeidentifiedSeries(getDb(), project);
    server = await startRouteServer(await dicomwebRoutes());
  });
  afterAll(async () => {
    await server?.close();
    await closeDb();
  });

  it('indexes the de-identified instances where they are written: new UIDs, the pseudonym, instance numbers', async () => {
    expect(seeded.indexed).toHaveLength(seeded.raw.length);
    const original = dcmjs.data.DicomMessage.readFile(seeded.raw[0].slice().buffer);
    const orig = dcmjs.data.DicomMetaDictionary.naturalizeDataset(original.dict) as Record<string, string>;
    expect(seeded.studyInstanceUid).not.toBe(orig.StudyInstanceUID);
    // the project's Subject of the patient, as the study list shows it
    expect(seeded.indexed[0].patientId).toBe(subjectPseudonym(seeded.deidSecret, orig.PatientID));
    expect(seeded.indexed.map((i) => i.instanceNumber)).toEqual([...seeded.indexed.map((i) => i.instanceNumber)].sort((a, b) => a! - b!));
    expect(seeded.indexed.every((i) => i.key.startsWith(`derived/${project.id}/`))).toBe(true);
  });

  it('searchForStudies finds the study by pseudonym, date range and modality; series and instances under it', async () => {
    const c = client(project.users.researcher.token);
    const pid = seeded.indexed[0].patientId!;
    const studies = await c.searchForStudies({ queryParams: { PatientID: pid } });
    expect(studies).toHaveLength(1);
    const s = studies[0];
    expect(s['0020000D'].Value).toEqual([seeded.studyInstanceUid]);
    expect(s['00100020'].Value).toEqual([pid]);
    expect(s['00201208'].Value).toEqual([seeded.raw.length]);
    expect(s['00080061'].Value).toEqual(['CT']);
    expect(await c.searchForStudies({ queryParams: { PatientID: 'SUBJ-*' } })).toHaveLength(1);
    expect(await c.searchForStudies({ queryParams: { PatientName: `*${pid.slice(6)}` } })).toHaveLength(1);
    expect(await c.searchForStudies({ queryParams: { PatientID: 'NOT-THIS-ONE' } })).toHaveLength(0);
    expect(await c.searchForStudies({ queryParams: { ModalitiesInStudy: 'MR' } })).toHaveLength(0);
    expect(await c.searchForStudies({ queryParams: { StudyInstanceUID: seeded.studyInstanceUid, limit: '1', offset: '1' } })).toHaveLength(0);
    const date = seeded.indexed[0].studyDate;
    if (date) {
      expect(await c.searchForStudies({ queryParams: { StudyDate: `${date}-` } })).toHaveLength(1);
      expect(await c.searchForStudies({ queryParams: { StudyDate: `-${String(Number(date.slice(0, 4)) - 1)}1231` } })).toHaveLength(0);
    }
    // only this project's data: the other project's members see nothing of it
    const series = await c.searchForSeries({ studyInstanceUID: seeded.studyInstanceUid });
    expect(series.map((x) => x['0020000E'].Value?.[0])).toEqual([seeded.seriesInstanceUid]);
    const instances = await c.searchForInstances({
      studyInstanceUID: seeded.studyInstanceUid,
      seriesInstanceUID: seeded.seriesInstanceUid,
      queryParams: { includefield: 'PatientID' },
    });
    expect(instances.map((x) => x['00080018'].Value?.[0])).toEqual(seeded.indexed.map((i) => i.sopInstanceUid));
    expect(instances[0]['00100020'].Value).toEqual([pid]);
  });

  it('retrieveSeries returns every instance byte-identical to what is stored, and the bytes parse with dcmjs and dcmdump', async () => {
    const parts = await client(project.users.operator.token).retrieveSeries({
      studyInstanceUID: seeded.studyInstanceUid,
      seriesInstanceUID: seeded.seriesInstanceUid,
    });
    expect(parts).toHaveLength(seeded.outputs.length);
    expect(parts.map(sha)).toEqual(seeded.indexed.map((i) => i.sha256));
    for (const i of seeded.indexed) expect(sha(await getObjectBytes({ key: i.key }))).toBe(i.sha256);
    const dir = mkdtempSync(join(tmpdir(), 'dicomweb-'));
    for (const [n, part] of parts.entries()) {
      const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(part).dict) as Record<string, unknown>;
      expect(ds.SOPInstanceUID).toBe(seeded.indexed[n].sopInstanceUid);
      const file = join(dir, `${n}.dcm`);
      writeFileSync(file, new Uint8Array(part));
      const dump = execFileSync('dcmdump', ['--search', 'PatientID', file], { encoding: 'utf8' });
      expect(dump).toContain(seeded.indexed[n].patientId!);
    }
    const one = await client(project.users.admin.token).retrieveInstance({
      studyInstanceUID: seeded.studyInstanceUid,
      seriesInstanceUID: seeded.seriesInstanceUid,
      sopInstanceUID: seeded.indexed[1].sopInstanceUid,
    });
    expect(sha(one)).toBe(seeded.indexed[1].sha256);
  });

  it('metadata is DICOM JSON with bulk data by URI; the URI and the frames give the stored pixel data', async () => {
    const c = client(project.users.researcher.token);
    const ids = { studyInstanceUID: seeded.studyInstanceUid, seriesInstanceUID: seeded.seriesInstanceUid };
    const meta = await c.retrieveSeriesMetadata(ids);
    expect(meta.map((m) => m['00080018'].Value?.[0])).toEqual(seeded.indexed.map((i) => i.sopInstanceUid));
    expect(meta[0]['00100020'].Value).toEqual([seeded.indexed[0].patientId]);
    const uri = meta[0]['7FE00010'].BulkDataURI;
    expect(uri).toBe(
      `${server.url}/dicomweb/${project.slug}/studies/${seeded.studyInstanceUid}/series/${seeded.seriesInstanceUid}/instances/${seeded.indexed[0].sopInstanceUid}/bulkdata/7FE00010`,
    );
    expect(meta[0]['7FE00010'].Value).toBeUndefined();
    const stored = await getObjectBytes({ key: seeded.indexed[0].key });
    const pixels = new Uint8Array(dcmjs.data.DicomMessage.readFile(stored.slice().buffer).dict['7FE00010'].Value![0] as ArrayBuffer);
    expect(pixels.byteLength).toBe(512 * 512 * 2);
    const [bulk] = await c.retrieveBulkData({ BulkDataURI: uri! });
    expect(sha(bulk)).toBe(sha(pixels));
    const [frame] = await c.retrieveInstanceFrames({ ...ids, sopInstanceUID: seeded.indexed[0].sopInstanceUid, frameNumbers: [1] });
    expect(sha(frame)).toBe(sha(pixels));
    await expect(c.retrieveInstanceFrames({ ...ids, sopInstanceUID: seeded.indexed[0].sopInstanceUid, frameNumbers: [2] })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('never serves raw PHI: no original UID is found, and the bytes carry no original identifier', async () => {
    const orig = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(seeded.raw[0].slice().buffer).dict) as Record<
      string,
      string
    >;
    const c = client(project.users.researcher.token);
    const parts = await c.retrieveStudy({ studyInstanceUID: seeded.studyInstanceUid });
    expect(parts).toHaveLength(seeded.raw.length);
    // every identifying value of the input (PS3.15 Table E.1-1, test/phi-probe.ts): in no retrieved
    // byte, no search or metadata answer, and no row of the DICOMweb index
    const phi = identifyingValues(seeded.raw);
    expect(phi).toContain(orig.PatientID);
    // the answers' values (not their keys: a tag such as 00281050 is no identifying value)
    const valuesOf = (x: unknown): string[] =>
      Array.isArray(x)
        ? x.flatMap(valuesOf)
        : x && typeof x === 'object'
          ? Object.values(x).flatMap(valuesOf)
          : x === undefined || x === null
            ? []
            : [String(x)];
    const meta = valuesOf(await c.retrieveStudyMetadata({ studyInstanceUID: seeded.studyInstanceUid })).join('\n');
    const search = valuesOf(await c.searchForInstances({ queryParams: { includefield: 'all' } })).join('\n');
    // each part as far as it can carry text (its header: pixel data is no text, and random bytes hold short values by chance)
    for (const text of [...parts.map((p) => searchableText(new Uint8Array(p))), meta, search]) {
      for (const v of phi) expect(leaks(text, v), v).toBe(false);
    }
    const inDb = await probeDatabase(getDb(), project.id, phi);
    expect(inDb.tables).toContain('dicom_instances');
    expect(inDb.findings).toEqual([]);
    // asking for the original UIDs finds nothing (after the probe: the audit log records what a caller asked for)
    expect(await c.searchForStudies({ queryParams: { StudyInstanceUID: orig.StudyInstanceUID } })).toHaveLength(0);
    await expect(c.retrieveStudy({ studyInstanceUID: orig.StudyInstanceUID })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a reviewer, another project member and a non-member; no credentials is 401', async () => {
    const at = (token: string, slug?: string) => client(token, slug).searchForStudies();
    await expect(at(project.users.reviewer.token)).rejects.toMatchObject({ status: 403 });
    await expect(at(other.users.researcher.token)).rejects.toMatchObject({ status: 404 });
    await expect(at(project.outsider.token)).rejects.toMatchObject({ status: 404 });
    // another project's member asking its own project does not see this one's study
    expect(await at(other.users.researcher.token, other.slug)).toHaveLength(0);
    await expect(
      client(other.users.admin.token).retrieveSeries({ studyInstanceUID: seeded.studyInstanceUid, seriesInstanceUID: seeded.seriesInstanceUid }),
    ).rejects.toMatchObject({ status: 404 });
    const res = await fetch(`${server.url}/dicomweb/${project.slug}/studies`);
    expect(res.status).toBe(401);
  });

  it('audits a user’s reads of a study once per 10 minutes, not per request', async () => {
    const c = client(project.users.admin.token);
    for (let i = 0; i < 3; i++) await c.searchForSeries({ studyInstanceUID: seeded.studyInstanceUid });
    await c.retrieveSeries({ studyInstanceUID: seeded.studyInstanceUid, seriesInstanceUID: seeded.seriesInstanceUid });
    // reads are recorded pending in their own transaction; the chainer links them into the chain
    await chainPendingAuditEvents(getDb());
    const events = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, project.users.admin.id), eq(auditEvents.action, 'dicomweb.read'), eq(auditEvents.targetId, seeded.studyInstanceUid)));
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(1);
    expect(events[0].projectId).toBe(project.id);
  });
  describe('STOW-RS', () => {
    const rawSeg = () => new Uint8Array(readFileSync('fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/liver_seg.dcm'));
    /** the fixture's SEG, made from the original CT, de-identified with the project's secret: it then references the de-identified CT */
    const deidentifiedSeg = async () => {
      const [{ deidSecret }] = await getDb().select({ deidSecret: projects.deidSecret }).from(projects).where(eq(projects.id, project.id));
      const r = deidentifyInstance(rawSeg(), 'liver_seg.dcm', { secret: deidSecret });
      if (r.status !== 'written') throw new Error(r.reason);
      return r.bytes;
    };
    const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
    const failure = (err: unknown) => {
      const body = JSON.parse(Buffer.from((err as { response: ArrayBuffer }).response).toString('utf8')) as Record<
        string,
        { Value: Record<string, { Value: unknown[] }>[] }
      >;
      return body['00081198'].Value.map((f) => ({ code: f['00081197'].Value[0], reason: String(f['00000902'].Value[0]) }));
    };

    it('stores a SEG referencing the de-identified series: indexed, served with the study byte-identical, recorded under derived/', async () => {
      const seg = await deidentifiedSeg();
      const c = client(project.users.operator.token);
      await c.storeInstances({ datasets: [buf(seg)], studyInstanceUID: seeded.studyInstanceUid });
      const series = await c.searchForSeries({ studyInstanceUID: seeded.studyInstanceUid, queryParams: { Modality: 'SEG' } });
      expect(series).toHaveLength(1);
      const segSeries = String(series[0]['0020000E'].Value?.[0]);
      const [inst] = await c.searchForInstances({ studyInstanceUID: seeded.studyInstanceUid, seriesInstanceUID: segSeries });
      expect(inst['00080016'].Value).toEqual(['1.2.840.10008.5.1.4.1.1.66.4']);
      expect(inst['00280008'].Value).toEqual([3]);
      const [back] = await c.retrieveSeries({ studyInstanceUID: seeded.studyInstanceUid, seriesInstanceUID: segSeries });
      expect(sha(back)).toBe(sha(seg));
      const studies = await c.searchForStudies({ queryParams: { StudyInstanceUID: seeded.studyInstanceUid } });
      expect(studies[0]['00080061'].Value).toEqual(['CT', 'SEG']);
      const objects = await getDb()
        .select()
        .from(storedObjects)
        .where(eq(storedObjects.sha256, sha(seg)));
      expect(objects).toHaveLength(1);
      expect(objects[0]).toMatchObject({ projectId: project.id, studyId: seeded.studyId, class: 'derived' });
      expect(objects[0].key.startsWith(`derived/${project.id}/${seeded.studyId}/dicomweb/`)).toBe(true);
      // the study page lists it beside the de-identified CT
      const onPage = await listStudyDicomSeries(getDb(), { projectId: project.id, studyId: seeded.studyId });
      expect(onPage.map((x) => [x.modality, x.source, x.instances])).toEqual([
        ['CT', 'deidentified', 3],
        ['SEG', 'stored', 1],
      ]);
      // 1-bit SEG frames: one frame of whole bytes (512×512 bits)
      const [frame] = await c.retrieveInstanceFrames({
        studyInstanceUID: seeded.studyInstanceUid,
        seriesInstanceUID: segSeries,
        sopInstanceUID: String(inst['00080018'].Value?.[0]),
        frameNumbers: [2],
      });
      expect(frame.byteLength).toBe((512 * 512) / 8);
      // the same object again is refused as a duplicate, with the reason
      const again = await c.storeInstances({ datasets: [buf(seg)] }).catch((e: unknown) => e);
      expect((again as { status: number }).status).toBe(409);
      expect(failure(again)[0].reason).toMatch(/already stored/);
    });

    it('refuses a SEG that references unknown instances, a non-derived object, and a wrong study, each with the reason', async () => {
      const c = client(project.users.admin.token);
      const err = await c.storeInstances({ datasets: [buf(rawSeg())] }).catch((e: unknown) => e);
      expect((err as { status: number }).status).toBe(409);
      const [f] = failure(err);
      expect(f.code).toBe(0xa900);
      expect(f.reason).toMatch(/references 3 instance\(s\) that are not de-identified instances of this project/);
      const ct = await getObjectBytes({ key: seeded.indexed[0].key });
      const [ctFail] = failure(await c.storeInstances({ datasets: [buf(ct)] }).catch((e: unknown) => e));
      expect(ctFail).toMatchObject({ code: 0x0122 });
      expect(ctFail.reason).toMatch(/not a Segmentation or Structured Report/);
      const [wrong] = failure(await c.storeInstances({ datasets: [buf(await deidentifiedSeg())], studyInstanceUID: '1.2.3.4' }).catch((e: unknown) => e));
      expect(wrong.reason).toMatch(/not the study of the request path/);
      // in another project the same SEG references nothing it serves
      const [elsewhere] = failure(
        await client(other.users.operator.token, other.slug)
          .storeInstances({ datasets: [buf(await deidentifiedSeg())] })
          .catch((e: unknown) => e),
      );
      expect(elsewhere.reason).toMatch(/not de-identified instances of this project/);
    });

    it('refuses researchers and reviewers (403) and non-members (404)', async () => {
      const seg = buf(await deidentifiedSeg());
      for (const [token, status] of [
        [project.users.researcher.token, 403],
        [project.users.reviewer.token, 403],
        [project.outsider.token, 404],
      ] as const) {
        await expect(client(token).storeInstances({ datasets: [seg] })).rejects.toMatchObject({ status });
      }
    });
  });
});
