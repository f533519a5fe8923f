import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';
import { bytesSource } from '../test/fixtures';
import { dispatchFetch } from '../test/dispatch-api';
import { makeNifti } from '../test/make-nifti';
import { hashInPlace, type Hasher } from './hash-source';
import { UploadApi } from './upload-api';
import { UploadEngine } from './upload-engine';

let tp: TestProject;
beforeAll(async () => {
  tp = await createTestProject(getDb());
});

describe('upload engine pause and resume', () => {
  it('pausing while a file is being hashed holds the upload without failing it; resume finishes it', async () => {
    // the real hasher, after a pause long enough to press Pause in (honouring the abort signal)
    const slowHasher: Hasher = async (src, onProgress, signal) => {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, 400);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(new DOMException('hashing cancelled', 'AbortError'));
        });
      });
      return hashInPlace(src, onProgress, signal);
    };
    const engine = new UploadEngine({
      api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
      project: tp.slug,
      hasher: slowHasher,
    });
    engine.add([bytesSource(makeNifti([256, 256, 80]), 'paused.nii')]); // 10 MiB + header
    const running = engine.run();
    for (let i = 0; i < 100 && engine.getSnapshot().files[0].phase !== 'hashing'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(engine.getSnapshot().files[0].phase).toBe('hashing');
    engine.pause();
    expect(engine.getSnapshot().paused).toBe(true);
    // while paused no part goes out, and the file does not fail
    await new Promise((r) => setTimeout(r, 800));
    const held = engine.getSnapshot().files[0];
    expect(held.phase).not.toBe('failed');
    expect(held.sent).toBe(0);
    engine.resume();
    const summary = await running;
    expect(summary.volumes).toHaveLength(1);
    expect(engine.getSnapshot().files[0]).toMatchObject({ phase: 'verified', error: null });
  });
});
