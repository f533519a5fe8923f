import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readNiftiWithHeader } from '@/lib/imaging/nifti/read-nifti';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import type { TStepInvocation } from '@/lib/pipeline/step-contract';
import { getObjectBytes, putObject } from '@/lib/storage/objects';
import { runStep } from '../run-step';
import { DEID_SECRET_ENV } from './deid-secret';

function withExtension(nifti: Uint8Array, text: string): Uint8Array {
  // a NIfTI-1 extension (esize, ecode 2 = DICOM) after the 348-byte header, as dcm2niix can write
  const body = new TextEncoder().encode(text);
  const esize = Math.ceil((8 + body.length) / 16) * 16;
  const out = new Uint8Array(nifti.length - 352 + 352 + esize);
  const dv = new DataView(out.buffer);
  out.set(nifti.subarray(0, 348), 0);
  out.set([1, 0, 0, 0], 348);
  dv.setInt32(352, esize, true);
  dv.setInt32(356, 2, true);
  out.set(body, 360);
  out.set(nifti.subarray(352), 352 + esize);
  new DataView(out.buffer).setFloat32(108, 352 + esize, true); // vox_offset
  return out;
}

function invocation(ref: { key: string; sha256: string; size: number }): TStepInvocation {
  const ids = { id: randomUUID(), projectId: randomUUID(), studyId: randomUUID() };
  return { step: 'deidentify', task: 'deidentify', run: ids, kind: 'nifti', inputs: [{ ...ref, versionId: null }], upstream: {}, params: { deidOptions: {} } };
}

afterEach(() => {
  delete process.env[DEID_SECRET_ENV];
});

describe('deidentify step, NIfTI', () => {
  it('writes the volume anew: no description, no extensions, same voxels and geometry', async () => {
    const vol = {
      dims: [4, 3, 2] as [number, number, number],
      spacing: [1, 1, 2] as [number, number, number],
      affine: [
        [1, 0, 0, -2],
        [0, 1, 0, -1],
        [0, 0, 2, 0],
        [0, 0, 0, 1],
      ] as never,
      data: Int16Array.from({ length: 24 }, (_, i) => i * 7),
    };
    const phi = 'DOE^JOHN 19700101 MRN-123456';
    const raw = gzipSync(withExtension(writeNifti(vol, { description: phi }), `(0010,0010) PN ${phi}`));
    const put = await putObject({ key: `raw-phi/${randomUUID()}/s/u/0`, body: raw });
    process.env[DEID_SECRET_ENV] = 'secret';
    const result = await runStep(invocation(put));
    expect(result.outputs.map((o) => o.name)).toEqual(['volume.nii.gz']);
    const out = await getObjectBytes({ key: result.outputs[0].key });
    const { header, volume } = readNiftiWithHeader(out);
    expect(header.description).toBe('segflow'); // writeNifti's own, nothing carried over
    expect(header.voxOffset).toBe(352);
    expect(Array.from(volume.data)).toEqual(Array.from(vol.data));
    expect(volume.affine).toEqual(vol.affine);
    const { gunzipSync } = await import('node:zlib');
    expect(Buffer.from(gunzipSync(out)).includes('DOE^JOHN')).toBe(false);
    // and the input really carried it
    expect(Buffer.from(gunzipSync(raw)).includes('DOE^JOHN')).toBe(true);
  });

  it('refuses to run without the project secret, and names what is wrong with a bad invocation', async () => {
    await expect(runStep(invocation({ key: 'raw-phi/x/y/z/0', sha256: 'a'.repeat(64), size: 1 }))).rejects.toThrow(/SEGFLOW_DEID_SECRET is not set/);
    await expect(runStep({ step: 'deidentify', task: 'd' })).rejects.toThrow(/step invocation: run: /);
  });
});
