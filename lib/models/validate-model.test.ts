import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BRAIN_TISSUE_DIR, BRAIN_TISSUE_SHA256 } from '@/workers/inference/testing/fixtures';
import { parseModelSpec, type TModelSpec } from './model-spec';
import { validateModel } from './validate-model';

const bytes = new Uint8Array(readFileSync(join(BRAIN_TISSUE_DIR, 'model.onnx')));
const spec = parseModelSpec(readFileSync(join(BRAIN_TISSUE_DIR, 'spec.json'), 'utf8'));

describe('validateModel', () => {
  it('accepts the real brain-tissue model and runs it on a 16³ cube', async () => {
    const v = await validateModel(bytes, spec);
    expect(v.sha256).toBe(BRAIN_TISSUE_SHA256);
    expect(v.opset).toBe(14);
    expect(v.opTypes).toEqual(['Conv', 'Relu']);
    expect(v.testRun.outputDims).toEqual([1, 3, 16, 16, 16]);
  });

  it('rejects a corrupted file with malformed_file', async () => {
    const corrupted = bytes.slice();
    for (let i = 200; i < corrupted.length; i += 7) corrupted[i] ^= 0xa5;
    await expect(validateModel(corrupted, spec, 'upload.onnx')).rejects.toMatchObject({
      name: 'AppError',
      code: 'malformed_file',
      message: expect.stringMatching(/^upload\.onnx: /),
    });
    await expect(validateModel(new TextEncoder().encode('not a model at all'), spec)).rejects.toMatchObject({ code: 'malformed_file' });
  });

  it('rejects a spec whose input name the model does not have', async () => {
    const wrong: TModelSpec = { ...spec, input: { ...spec.input, name: 'image' } };
    await expect(validateModel(bytes, wrong)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('spec input "image" is not a graph input (the model has: "input")'),
      details: { field: 'input.name' },
    });
  });

  it('rejects a spec whose fixed shape or label count contradicts the model', async () => {
    const shape: TModelSpec = { ...spec, input: { ...spec.input, shape: ['batch_size', 1, 128, 256, 256] } };
    await expect(validateModel(bytes, shape)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('dim 2 is 256, the spec says 128'),
    });
    const labels: TModelSpec = {
      ...spec,
      output: { ...spec.output, shape: ['batch_size', 'classes', 256, 256, 256] },
      labels: [...spec.labels, { value: 3, name: 'CSF', color: [0, 0, 255] }],
    };
    await expect(validateModel(bytes, labels)).rejects.toMatchObject({ message: expect.stringContaining('dim 1 is 3, the spec says classes') });
  });
});
