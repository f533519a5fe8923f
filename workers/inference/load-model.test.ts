import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bytesModelSource, dirModelSource } from './model-source';
import { loadModel, releaseModels } from './load-model';
import { cudaProviderLibraryPath } from './select-provider';
import { BRAIN_TISSUE_DIR, BRAIN_TISSUE_SHA256 } from './testing/fixtures';

describe('loadModel', () => {
  afterAll(releaseModels);

  it('keeps one session per model version: same bytes from another source reuse it', async () => {
    const a = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: BRAIN_TISSUE_SHA256, threads: 1 });
    const b = await loadModel({
      source: bytesModelSource({
        model: new Uint8Array(readFileSync(`${BRAIN_TISSUE_DIR}/model.onnx`)),
        spec: readFileSync(`${BRAIN_TISSUE_DIR}/spec.json`, 'utf8'),
        describe: 's3 copy',
      }),
      expectedSha256: BRAIN_TISSUE_SHA256.toUpperCase(),
      threads: 1,
    });
    expect(b.session).toBe(a.session);
    const c = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: null, threads: 2 });
    expect(c.session).not.toBe(a.session);
  });

  it('falls back to CPU here, where the CUDA provider library is not installed, and says why', async () => {
    const m = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: null, threads: 1 });
    expect(cudaProviderLibraryPath()).toMatch(/onnxruntime-node\/bin\/napi-v6\/linux\/x64\/libonnxruntime_providers_cuda\.so$/);
    expect(m.provider).toBe('cpu');
    expect(m.providerReason).toMatch(/CUDA provider library not installed/);
  });

  it('reports a missing model directory by path', async () => {
    await expect(loadModel({ source: dirModelSource('/nonexistent/model-dir'), expectedSha256: null })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('/nonexistent/model-dir/model.onnx'),
    });
  });
});
