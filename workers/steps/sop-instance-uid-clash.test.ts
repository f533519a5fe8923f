import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TStepInvocation } from '@/lib/pipeline/step-contract';
import { putObject } from '@/lib/storage/objects';
import { runStep } from '../run-step';
import { DEID_SECRET_ENV } from './deid-secret';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/ct/${name}`, import.meta.url)));
const ct = fixture('01.dcm');
const ct02 = fixture('02.dcm');

async function invocation(step: 'ingest' | 'deidentify', files: Uint8Array[]): Promise<TStepInvocation> {
  const run = { id: randomUUID(), projectId: randomUUID(), studyId: randomUUID() };
  const inputs = [];
  for (const [i, body] of files.entries()) {
    const put = await putObject({ key: `raw-phi/${run.projectId}/${run.studyId}/u/${i}`, body });
    inputs.push({ key: put.key, sha256: put.sha256, size: put.size, versionId: null });
  }
  const params = step === 'ingest' ? {} : { deidOptions: {} };
  return { step, task: step, run, kind: 'dicom', inputs, upstream: {}, params } as TStepInvocation;
}

afterEach(() => {
  delete process.env[DEID_SECRET_ENV];
});

describe('two instances with one SOP Instance UID in a study', () => {
  // the same instance with one pixel changed: another instance that kept the UID
  const changed = Buffer.from(ct);
  changed[changed.length - 2] ^= 0xff;

  it('are refused by ingest and de-identify, naming both, when they differ', async () => {
    process.env[DEID_SECRET_ENV] = 'secret';
    await expect(runStep(await invocation('ingest', [ct02, ct, changed]))).rejects.toThrow(
      /^ingest: input 2 and input 3 are different instances with the same SOP Instance UID/,
    );
    await expect(runStep(await invocation('deidentify', [ct, changed]))).rejects.toThrow(
      /^deidentify: instance 1 and instance 2 are different instances with the same SOP Instance UID/,
    );
  });

  it('are one instance when the bytes are the same: ingest passes, de-identify writes it once', async () => {
    process.env[DEID_SECRET_ENV] = 'secret';
    const ingested = await runStep(await invocation('ingest', [ct, ct]));
    expect(ingested.info).toMatchObject({ objects: 2 });
    const result = await runStep(await invocation('deidentify', [ct, ct]));
    expect(result.outputs).toHaveLength(1);
    expect(result.info).toMatchObject({ kind: 'dicom', instances: 1 });
  });
});
