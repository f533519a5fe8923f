import { describe, expect, it } from 'vitest';
import { partLayout } from '../limits';
import type { UploadFileDto } from '../schemas';
import { bytesSource } from '../test/fixtures';
import { makeNifti } from '../test/make-nifti';
import type { PutBytes } from './put-bytes';
import { memoryResumeStore } from './resume-store';
import type { UploadApi } from './upload-api';
import { UploadEngine } from './upload-engine';

/** The upload API as a store that cannot list parts (the client's record stands), in memory. */
function fakeApi() {
  let file: UploadFileDto | null = null;
  const register = (f: { name: string; size: number; sha256: string }): UploadFileDto => {
    const l = partLayout(f.size);
    file = {
      id: 'f1',
      index: 0,
      name: f.name,
      size: f.size,
      sha256: f.sha256,
      status: 'pending',
      error: null,
      multipart: l.multipart,
      partSize: l.partSize,
      partCount: l.partCount,
    };
    return file;
  };
  const api = {
    createUpload: async () => ({ id: 'u1', studyId: 's1', studyLabel: 'S', projectId: 'p' }),
    getUpload: async () => ({ id: 'u1', projectId: 'p', studyId: 's1', status: 'open', files: file ? [file] : [] }),
    registerFile: async (_u: string, f: { name: string; size: number; sha256: string }) => register(f),
    registerFiles: async (_u: string, fs: { name: string; size: number; sha256: string }[]) => fs.map((f) => ({ file: register(f), signed: null })),
    sign: async (_u: string, _f: string, part?: { partNumber: number; partCrc32?: string }) => ({
      url: `http://store.test/k?partNumber=${part?.partNumber}`,
      method: 'PUT' as const,
      headers: part?.partCrc32 ? { 'x-amz-checksum-crc32': part.partCrc32 } : {},
      partNumber: part?.partNumber ?? null,
      contentLength: 0,
      expiresAt: '',
    }),
    parts: async () => ({ supported: false, parts: [] }),
    completeFile: async () => ({ ...file!, status: 'verified' as const }),
    completeFiles: async (_u: string, ids: string[]) => ids.map((id) => ({ id, file: { ...file!, status: 'verified' as const } })),
    abortFile: async () => file!,
    finish: async () => ({ study: 's1', label: 'S', series: [], volumes: [], rejected: [] }),
  };
  return api as unknown as UploadApi;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const partOf = (url: string) => Number(new URL(url).searchParams.get('partNumber'));

describe('sendFile after a network drop (page still open)', () => {
  // 56 MiB + header: 8 parts, 4 in flight
  const big = makeNifti([256, 256, 448]);

  it('retries only the parts in flight, in place; queued parts wait; acknowledged parts are not resent', async () => {
    const attempts = new Map<number, number>();
    const failedParts = new Set<number>();
    let acked = 0;
    let down = false;
    const put: PutBytes = async (req) => {
      const n = partOf(req.url);
      attempts.set(n, (attempts.get(n) ?? 0) + 1);
      expect(req.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/); // signed with the part's CRC32 from the one hashing pass
      await sleep(5);
      if (down) {
        failedParts.add(n);
        throw new TypeError('network error');
      }
      // the connection drops right after the second part is acknowledged, for 60 ms
      if (++acked === 2) {
        down = true;
        setTimeout(() => (down = false), 60);
      }
      return { status: 200, etag: `"e${n}"`, text: '' };
    };
    const store = memoryResumeStore();
    const engine = new UploadEngine({ api: fakeApi(), project: 'p', store, putBytes: put, partsInFlight: 4, retryDelayMs: 10 });
    engine.add([bytesSource(big, 'drop.nii')]);
    await engine.run();

    expect([...attempts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // the drop hit at most partsInFlight parts; each was retried until it went through
    expect(failedParts.size).toBeGreaterThan(0);
    expect(failedParts.size).toBeLessThanOrEqual(4);
    for (const n of failedParts) expect(attempts.get(n)).toBeGreaterThan(1);
    // parts acknowledged before the drop, and parts queued during it, went exactly once
    for (const n of [1, 2, 7, 8]) expect(attempts.get(n)).toBe(1);
    expect(engine.getSnapshot().files[0]).toMatchObject({ phase: 'verified', sentParts: 8 });
  });

  it('when the drop outlasts the retries: the file fails with nothing left sending, and a rerun sends only the missing parts', async () => {
    let acked = 0;
    let down = false;
    let inFlight = 0;
    const put: PutBytes = async (req) => {
      inFlight++;
      try {
        await sleep(5);
        if (down) throw new TypeError('network error');
        if (++acked === 3) down = true; // and it stays down
        return { status: 200, etag: `"e${partOf(req.url)}"`, text: '' };
      } finally {
        inFlight--;
      }
    };
    const store = memoryResumeStore();
    const api = fakeApi();
    const first = new UploadEngine({ api, project: 'p', store, putBytes: put, partsInFlight: 4, retryDelayMs: 1 });
    first.add([bytesSource(big, 'drop.nii')]);
    await expect(first.run()).rejects.toThrow(/could not be sent.*network error.*run again to resume/);
    expect(inFlight).toBe(0);
    const rec = store.load(first.resumeKey)!;
    const file = Object.values(rec.files)[0];
    expect(Object.keys(file.parts)).toHaveLength(3);
    expect(file.partCrc32).toHaveLength(8);

    const resent: number[] = [];
    const again = new UploadEngine({
      api,
      project: 'p',
      store,
      putBytes: async (req) => {
        resent.push(partOf(req.url));
        return { status: 200, etag: '"x"', text: '' };
      },
    });
    again.add([bytesSource(big, 'drop.nii')]);
    await again.run();
    const stored = Object.keys(file.parts).map(Number);
    expect(resent.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].filter((n) => !stored.includes(n)));
  });
});
