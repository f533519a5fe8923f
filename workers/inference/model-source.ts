/**
 * Where a model version's bytes come from. The worker only needs the ONNX bytes and the spec; the
 * pipeline will supply an S3/registry-backed source (`models/<model>/<version>/model.onnx`, see
 * modelKey) later, the CLI and tests a local directory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@/lib/errors';
import { parseModelSpec, type TModelSpec } from '@/lib/models/model-spec';

export interface ModelSource {
  /** human-readable origin for logs and errors, e.g. a directory or an object key */
  readonly describe: string;
  readModel(): Promise<Uint8Array>;
  readSpec(): Promise<TModelSpec>;
}

/** A model directory laid out like `models/<model>/`: model.onnx + spec.json. */
export function dirModelSource(dir: string): ModelSource {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError(code === 'ENOENT' ? 'not_found' : 'unavailable', `${join(dir, name)}: cannot read (${code ?? (err as Error).message})`, {
        file: join(dir, name),
      });
    }
  };
  return {
    describe: dir,
    readModel: async () => new Uint8Array(await read('model.onnx')),
    readSpec: async () => parseModelSpec((await read('spec.json')).toString('utf8'), join(dir, 'spec.json')),
  };
}

/** Bytes the caller already fetched (from S3, from an upload). */
export function bytesModelSource(p: { model: Uint8Array; spec: TModelSpec | string; describe: string }): ModelSource {
  return {
    describe: p.describe,
    readModel: async () => p.model,
    readSpec: async () => (typeof p.spec === 'string' ? parseModelSpec(p.spec, `${p.describe} spec`) : p.spec),
  };
}
