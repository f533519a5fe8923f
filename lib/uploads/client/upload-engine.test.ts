import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';
import { bytesSource } from '../test/fixtures';
import { dispatchFetch } from '../test/dispatch-api';
import { makeNifti } from '../test/make-nifti';
import { hashInPlace, type Hasher } from './hash-source';
import { fetchPut } from './put-bytes';
import { UploadApi } from './upload-api';
import { UploadEngine } from './upload-engine';

let tp: TestProject;
beforeAll(async () => {
  tp = await createTestProject(getDb());
});

describe('upload engine pause and resume', () => {
  it('pausing while a file is being hashed holds the upload without failing it; resume finishes it', async () => {
    // the real hasher, held until the test has pressed Pause (events, not clocks: the test decides when hashing goes on)
    let hashingStarted!: () => void;
    const started = new Promise<void>((r) => (hashingStarted = r));
    let releaseHashing!: () => void;
    const released = new Promise<void>((r) => (releaseHashing = r));
    const slowHasher: Hasher = async (src, onProgress, signal) => {
      hashingStarted();
      await Promise.race([
        released,
        new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new DOMException('hashing cancelled', 'AbortError')))),
      ]);
      return hashInPlace(src, onProgress, signal);
    };
    let puts = 0;
    const engine = new UploadEngine({
      api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
      project: tp.slug,
      hasher: slowHasher,
      putBytes: (...args) => {
        puts++;
        return fetchPut(...args);
      },
    });
    engine.add([bytesSource(makeNifti([256, 256, 80]), 'paused.nii')]); // 10 MiB + header
    const running = engine.run();
    await started;
    expect(engine.getSnapshot().files[0].phase).toBe('hashing');
    engine.pause();
    expect(engine.getSnapshot().paused).toBe(true);
    // hashing goes on while paused (local work), then the file's first transfer is held by Pause
    releaseHashing();
    await engine.transferSlots.held();
    const held = engine.getSnapshot().files[0];
    expect(held.phase).not.toBe('failed');
    expect(held.sent).toBe(0);
    expect(puts).toBe(0);
    engine.resume();
    const summary = await running;
    expect(summary.volumes).toHaveLength(1);
    expect(engine.getSnapshot().files[0]).toMatchObject({ phase: 'verified', error: null });
  });
});
