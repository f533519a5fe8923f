import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../lib/auth/permissions';
import type { MatrixRow } from './endpoint-matrix';

const REGISTRANTS: Role[] = ['operator', 'admin'];
const root = fileURLToPath(new URL('../', import.meta.url));
const file = (name: string, bytes: Uint8Array) => ({ name, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
const bundle = () => {
  const onnx = new Uint8Array(readFileSync(join(root, 'models/brain-tissue-fp16/model.onnx')));
  const spec = new Uint8Array(readFileSync(join(root, 'models/brain-tissue-fp16/spec.json')));
  return { onnx, spec, declared: { onnx: file('model.onnx', onnx), spec: file('spec.json', spec) } };
};

/** Rows of model registration through the API (staged presigned upload, then completion); added by endpoint-matrix.ts. */
export function addModelRegistrationRows(matrix: Record<string, MatrixRow>): void {
  matrix['app/api/models/[model]/versions/route.ts#POST'] = {
    permission: 'model:register',
    allowed: REGISTRANTS,
    input: async () => {
      const model = `mx-${randomBytes(4).toString('hex')}`;
      return { method: 'POST', path: `/api/models/${model}/versions`, params: { model }, body: { version: '1.0.0', ...bundle().declared } };
    },
  };
  // a registration the caller staged, its files in the store: completing it creates the version
  matrix['app/api/models/[model]/versions/[version]/complete/route.ts#POST'] = {
    permission: 'model:register',
    allowed: REGISTRANTS,
    input: async (db, _project, role, caller) => {
      const { stageRegistration } = await import('../lib/models/registration/stage-registration');
      const model = `mx-${randomBytes(4).toString('hex')}`;
      const b = bundle();
      const staged = await db.transaction((tx) =>
        stageRegistration(tx, {
          input: { model, version: '1.0.0', ...b.declared, references: [] },
          userId: caller.userId,
          projectId: null,
          role: REGISTRANTS.includes(role) ? role : 'admin',
        }),
      );
      for (const [i, bytes] of [b.onnx, b.spec].entries()) {
        const put = staged.files[i].upload;
        const res = await fetch(put.url, { method: 'PUT', headers: put.headers, body: bytes as Uint8Array<ArrayBuffer> });
        if (!res.ok) throw new Error(`matrix: staging PUT answered ${res.status}`);
      }
      return {
        method: 'POST',
        path: `/api/models/${model}/versions/1.0.0/complete`,
        params: { model, version: '1.0.0' },
        body: { registration: staged.id },
      };
    },
  };
}
