import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BRAIN_TISSUE_DIR } from '@/workers/inference/testing/fixtures';
import { parseModelSpec, ZModelSpec } from './model-spec';

const text = readFileSync(`${BRAIN_TISSUE_DIR}/spec.json`, 'utf8');

describe('ZModelSpec', () => {
  it('parses the shipped brain-tissue spec', () => {
    const spec = parseModelSpec(text);
    expect(spec.grid).toEqual({ dims: [256, 256, 256], spacing: [1, 1, 1], orientation: 'LIA' });
    expect(spec.labels.map((l) => l.name)).toEqual(['background', 'White Matter', 'Grey Matter']);
    expect(spec.inference.mode).toBe('whole');
  });

  it('names the file and the field on errors', () => {
    const raw = JSON.parse(text);
    expect(() => parseModelSpec('{', 'models/x/spec.json')).toThrow(/^models\/x\/spec\.json: not valid JSON/);
    expect(() => parseModelSpec({ ...raw, labels: raw.labels.slice(0, 2) }, 'up/spec.json')).toThrow(
      'up/spec.json: labels: output has 3 channels but 2 labels are listed',
    );
    expect(() => parseModelSpec({ ...raw, grid: { ...raw.grid, orientation: 'RAS' } })).toThrow(/spec\.json: grid\.orientation/);
    expect(() =>
      parseModelSpec({ ...raw, fullyConvolutional: false, inference: { mode: 'sliding-window', patch: [96, 96, 96], overlap: 0.5, blending: 'gaussian' } }),
    ).toThrow(/inference: sliding-window inference needs a fully convolutional model/);
  });

  it('accepts sliding-window, percentile and z-score settings', () => {
    const raw = JSON.parse(text);
    const r = ZModelSpec.safeParse({
      ...raw,
      inference: { mode: 'sliding-window', patch: [128, 128, 128], overlap: 0.25, blending: 'linear' },
      intensity: { method: 'percentile-clip', lower: 0.5, upper: 99.5 },
    });
    expect(r.success).toBe(true);
    expect(ZModelSpec.parse({ ...raw, intensity: { method: 'z-score' } }).intensity).toEqual({ method: 'z-score', nonZeroOnly: false });
  });
});
