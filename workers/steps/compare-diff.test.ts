import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNifti, readNiftiWithHeader } from '@/lib/imaging/nifti/read-nifti';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import type { Volume } from '@/lib/imaging/volume';
import { DIFF_VALUES, sliceAxisOf, ZDisagreementProfile } from '@/lib/metrics/mask-difference';
import { worstSlices } from '@/lib/metrics/worst-slices';
import type { TStepInvocation } from '@/lib/pipeline/step-contract';
import { getObjectBytes, putObject } from '@/lib/storage/objects';
import { runStep } from '../run-step';

// a real labelmap (niivue's FLAIR lesion map, labels 1–3, oblique affine) as the live mask; the
// shadow mask is it moved two voxels along i with label 3 called 1: every difference class occurs
const live = readNifti(readFileSync(join(process.cwd(), 'fixtures/nifti/niivue-flair-lesion/lesion.nii.gz'))) as Volume<Uint8Array>;
const [nx, ny, nz] = live.dims;
const shadow: Volume<Uint8Array> = { ...live, data: new Uint8Array(live.data.length) };
for (let z = 0; z < nz; z++)
  for (let y = 0; y < ny; y++)
    for (let x = 2; x < nx; x++) {
      const v = live.data[x - 2 + nx * (y + ny * z)];
      shadow.data[x + nx * (y + ny * z)] = v === 3 ? 1 : v;
    }
const spec = {
  ...JSON.parse(readFileSync(join(process.cwd(), 'models/brain-tissue/spec.json'), 'utf8')),
  output: { name: 'output', shape: ['batch_size', 4, 256, 256, 256], dtype: 'float32' },
  labels: [
    { value: 0, name: 'background', color: [0, 0, 0] },
    { value: 1, name: 'one', color: [230, 159, 0] },
    { value: 2, name: 'two', color: [86, 180, 233] },
    { value: 3, name: 'three', color: [0, 158, 115] },
  ],
};

async function stored(vol: Volume<Uint8Array>, name: string) {
  const put = await putObject({ key: `derived/${randomUUID()}/s/${name}/mask.nii.gz`, body: writeNifti(vol, { gzip: true, intent: 'label' }) });
  return { name: 'mask.nii.gz', key: put.key, versionId: put.versionId, sha256: put.sha256, size: put.size };
}

describe('compare step: difference labelmap and disagreement profile', () => {
  it('writes the difference of every voxel and the differing voxels per slice; a retry writes the same bytes', async () => {
    const inv: TStepInvocation = {
      step: 'compare',
      task: 'compare',
      run: { id: randomUUID(), projectId: randomUUID(), studyId: randomUUID() },
      kind: 'nifti',
      inputs: [],
      upstream: { 'infer-serving': [await stored(live, 'live')], 'infer-shadow': [await stored(shadow, 'shadow')] },
      params: { labelsFrom: spec },
    };
    const first = await runStep(inv);
    expect(first.outputs.map((o) => o.name)).toEqual(['metrics.json', 'diff.nii.gz', 'disagreement.json']);
    for (const o of first.outputs) expect(o.key).toBe(`derived/${inv.run.projectId}/${inv.run.studyId}/runs/${inv.run.id}/compare/${o.name}`);

    const { volume: diff, header } = readNiftiWithHeader(await getObjectBytes({ key: first.outputs[1].key }));
    expect(header.intentCode).toBe(1002); // NIFTI_INTENT_LABEL
    expect(diff.dims).toEqual(live.dims);
    expect(diff.affine).toEqual(live.affine);
    // brute force: the class of every voxel, and the differing voxels per slice along the axis
    const { axis } = sliceAxisOf(live.affine);
    const total = new Array<number>(live.dims[axis]).fill(0);
    const perLabel = [1, 2, 3].map(() => new Array<number>(live.dims[axis]).fill(0));
    const seen = new Set<number>();
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const n = x + nx * (y + ny * z);
          const [l, s] = [live.data[n], shadow.data[n]];
          const want =
            l === s
              ? l === 0
                ? DIFF_VALUES.none
                : DIFF_VALUES.agree
              : s === 0
                ? DIFF_VALUES.liveOnly
                : l === 0
                  ? DIFF_VALUES.shadowOnly
                  : DIFF_VALUES.labelDiffers;
          if (diff.data[n] !== want) throw new Error(`voxel (${x}, ${y}, ${z}): live ${l}, shadow ${s}: difference ${diff.data[n]}, expected ${want}`);
          seen.add(want);
          if (l !== s) {
            const slice = [x, y, z][axis];
            total[slice]++;
            if (l) perLabel[l - 1][slice]++;
            if (s) perLabel[s - 1][slice]++;
          }
        }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);

    const profile = ZDisagreementProfile.parse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: first.outputs[2].key }))));
    expect(profile).toMatchObject({ axis, slices: live.dims[axis] });
    expect(profile.total).toEqual(total);
    expect(profile.labels.map((l) => [l.value, l.name])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(profile.labels.map((l) => l.counts)).toEqual(perLabel);
    const differing = total.reduce((s, c) => s + c, 0);
    expect(differing).toBeGreaterThan(1000);
    expect(profile.voxels.liveOnly + profile.voxels.shadowOnly + profile.voxels.labelDiffers).toBe(differing);
    expect(worstSlices(profile.total)[0]).toBe(total.indexOf(Math.max(...total)));

    // a retried attempt writes byte-identical outputs (the manifest hashes them)
    const again = await runStep(inv);
    expect(again.outputs.map((o) => [o.name, o.sha256, o.size])).toEqual(first.outputs.map((o) => [o.name, o.sha256, o.size]));
  });
});
