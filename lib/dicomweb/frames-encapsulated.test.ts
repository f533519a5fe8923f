/**
 * WADO-RS frames of compressed instances are served as stored: the frame's encapsulated bytes, in
 * the media type of its transfer syntax (PS3.18 8.7.3), never transcoded; an Accept that names only
 * another transfer syntax is refused naming the stored one. Real files (pydicom's JPEG-LS and RLE MR)
 * through the real de-identify step, read back with dicomweb-client and plain fetch.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../db';
import { getObjectBytes } from '../storage/objects';
import { startRouteServer } from '../../test/route-server';
import { createTestProject, type TestProject } from '../../test/test-project';
import { dicomwebClient } from './test/dicomweb-client-types';
import { dicomwebRoutes } from './test/dicomweb-routes';
import { seedDeidentifiedSeries } from './test/seed-deidentified-series';

const sha = (b: ArrayBuffer | Uint8Array) =>
  createHash('sha256')
    .update(new Uint8Array(b as ArrayBuffer))
    .digest('hex');

function oneFileDir(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-frames-'));
  copyFileSync(join('fixtures/dicom/single/pydicom', file), join(dir, 'in.dcm'));
  return dir;
}

describe.each([
  { file: 'MR_small_jpeg_ls_lossless.dcm', syntax: '1.2.840.10008.1.2.4.80', media: 'image/jls' },
  { file: 'MR_small_RLE.dcm', syntax: '1.2.840.10008.1.2.5', media: 'image/dicom-rle' },
])('WADO-RS frames of $file', ({ file, syntax, media }) => {
  let project: TestProject;
  let server: { url: string; close: () => Promise<void> };
  let seeded: Awaited<ReturnType<typeof seedDeidentifiedSeries>>;

  beforeAll(async () => {
    project = await createTestProject(getDb());
    seeded = await seedDeidentifiedSeries(getDb(), project, oneFileDir(file));
    server = await startRouteServer(await dicomwebRoutes());
  });
  afterAll(async () => {
    await server?.close();
    await closeDb();
  });

  it('gives the stored encapsulated frame, byte for byte, in its own media type', async () => {
    const [inst] = seeded.indexed;
    const stored = await getObjectBytes({ key: inst.key });
    const parsed = dcmjs.data.DicomMessage.readFile(stored.slice().buffer);
    // de-identification kept the transfer syntax: nothing was transcoded on the way in either
    expect(parsed.meta['00020010'].Value?.[0]).toBe(syntax);
    const fragments = parsed.dict['7FE00010'].Value as ArrayBuffer[];
    const frameBytes = Buffer.concat(fragments.map((f) => Buffer.from(f)));

    const ids = { studyInstanceUID: seeded.studyInstanceUid, seriesInstanceUID: seeded.seriesInstanceUid, sopInstanceUID: inst.sopInstanceUid };
    const path = `${server.url}/dicomweb/${project.slug}/studies/${ids.studyInstanceUID}/series/${ids.seriesInstanceUID}/instances/${ids.sopInstanceUID}/frames/1`;
    const res = await fetch(path, { headers: { authorization: `Bearer ${project.users.researcher.token}`, accept: `multipart/related; type="${media}"` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(`type="${media}"`);

    const [frame] = await dicomwebClient(`${server.url}/dicomweb/${project.slug}`, project.users.researcher.token).retrieveInstanceFrames({
      ...ids,
      frameNumbers: [1],
    });
    expect(frame.byteLength).toBe(frameBytes.byteLength);
    expect(sha(frame)).toBe(sha(frameBytes));
  });

  it('refuses to transcode: an Accept naming only uncompressed frames gets 406 naming the stored syntax', async () => {
    const [inst] = seeded.indexed;
    const path = `${server.url}/dicomweb/${project.slug}/studies/${seeded.studyInstanceUid}/series/${seeded.seriesInstanceUid}/instances/${inst.sopInstanceUid}/frames/1`;
    const res = await fetch(path, {
      headers: {
        authorization: `Bearer ${project.users.researcher.token}`,
        accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1',
      },
    });
    expect(res.status).toBe(406);
    expect(await res.text()).toContain(syntax);
  });
});
