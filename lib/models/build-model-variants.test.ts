import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dirModelSource } from '@/workers/inference/model-source';
import { loadModel, releaseModels } from '@/workers/inference/load-model';
import { segmentVolume } from '@/workers/inference/segment-volume';
import { BRAIN_TISSUE_DIR, dicePerLabel, readT1, REPO_ROOT } from '@/workers/inference/testing/fixtures';
import { buildModelVariants } from './build-model-variants';
import { parseModelSpec } from './model-spec';
import { decodeOnnx, graphOf, onnx, summarizeOnnx } from './onnx-proto';

const read = (p: string) => new Uint8Array(readFileSync(p));

describe('brain-tissue shadow variants', () => {
  afterAll(releaseModels);
  const variants = buildModelVariants({
    model: read(join(BRAIN_TISSUE_DIR, 'model.onnx')),
    spec: parseModelSpec(readFileSync(join(BRAIN_TISSUE_DIR, 'spec.json'), 'utf8')),
    license: read(join(BRAIN_TISSUE_DIR, 'LICENSE')),
  });

  it('committed variant files are exactly what the script generates (deterministic)', () => {
    expect(variants.map((v) => v.dir)).toEqual(['brain-tissue-fp16', 'brain-tissue-degraded']);
    for (const v of variants)
      for (const [name, bytes] of Object.entries(v.files)) {
        expect(Buffer.from(read(join(REPO_ROOT, 'models', v.dir, name))).equals(Buffer.from(bytes)), `${v.dir}/${name}`).toBe(true);
      }
  });

  it('fp16 variant stores float16 weights and keeps float32 I/O', () => {
    const model = decodeOnnx(variants[0].files['model.onnx']);
    const types = new Set(graphOf(model).initializer.map((t) => t.dataType));
    expect([...types]).toEqual([onnx.TensorProto.DataType.FLOAT16]);
    const s = summarizeOnnx(model);
    expect(s.inputs.map((i) => i.elemType)).toEqual([onnx.TensorProto.DataType.FLOAT]);
    expect(s.outputs.map((o) => o.elemType)).toEqual([onnx.TensorProto.DataType.FLOAT]);
    expect(s.opTypes).toEqual(['Cast', 'Conv', 'Relu']);
    expect(variants[0].files['model.onnx'].length).toBeLessThan(read(join(BRAIN_TISSUE_DIR, 'model.onnx')).length * 0.6);
  });

  it('on t1_crop the fp16 variant agrees (Dice >= 0.99) and the degraded one clearly does not', async () => {
    const t1 = readT1();
    const run = async (dir: string) =>
      (await segmentVolume({ volume: t1, model: await loadModel({ source: dirModelSource(dir), expectedSha256: null, threads: 2 }) })).labelmap.data;
    const fp32 = await run(BRAIN_TISSUE_DIR);
    const fp16 = dicePerLabel(fp32, await run(join(REPO_ROOT, 'models/brain-tissue-fp16')), [1, 2]);
    const degraded = dicePerLabel(fp32, await run(join(REPO_ROOT, 'models/brain-tissue-degraded')), [1, 2]);
    console.info('Dice vs fp32: fp16', fp16, 'degraded', degraded);
    expect(fp16[1]).toBeGreaterThanOrEqual(0.99);
    expect(fp16[2]).toBeGreaterThanOrEqual(0.99);
    expect(Math.min(degraded[1], degraded[2])).toBeLessThan(0.9);
  }, 300_000);
});
