/**
 * Writes the shadow candidates models/brain-tissue-fp16/ and models/brain-tissue-degraded/ from
 * models/brain-tissue/. Deterministic: rerunning rewrites identical bytes.
 *   npx tsx scripts/make-model-variants.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModelVariants } from '../lib/models/build-model-variants';
import { parseModelSpec } from '../lib/models/model-spec';

const models = fileURLToPath(new URL('../models/', import.meta.url));
const base = join(models, 'brain-tissue');
const variants = buildModelVariants({
  model: new Uint8Array(readFileSync(join(base, 'model.onnx'))),
  spec: parseModelSpec(readFileSync(join(base, 'spec.json'), 'utf8'), join(base, 'spec.json')),
  license: new Uint8Array(readFileSync(join(base, 'LICENSE'))),
});
for (const v of variants) {
  mkdirSync(join(models, v.dir), { recursive: true });
  for (const [name, bytes] of Object.entries(v.files)) writeFileSync(join(models, v.dir, name), bytes);
  console.log(`wrote models/${v.dir}/ (${Object.keys(v.files).join(', ')})`);
}
