/**
 * A model's input domain and its output's plausibility, on real data with the real brain-tissue model:
 * a chest CT is refused before inference, the T1 volume passes, and a real brain MR that the model
 * cannot segment (24 oblique 5 mm slices) gives an empty mask that is flagged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDicomHeader } from '@/lib/imaging/dicom/read-dicom-header';
import { readInputVolume } from '@/workers/inference/read-input';
import { dirModelSource } from '@/workers/inference/model-source';
import { loadModel, releaseModels } from '@/workers/inference/load-model';
import { segmentVolume } from '@/workers/inference/segment-volume';
import { BRAIN_TISSUE_DIR, REPO_ROOT, T1_PATH } from '@/workers/inference/testing/fixtures';
import { checkInputDomain, measureInputFacts } from './check-input-domain';
import { checkOutputPlausibility } from './check-output-plausibility';
import { parseModelSpec } from './model-spec';

const spec = parseModelSpec(readFileSync(join(BRAIN_TISSUE_DIR, 'spec.json'), 'utf8'));
const CT = join(REPO_ROOT, 'fixtures/dicom/series/tcia-lung-pet-ct-dx-ct');
const MR = join(REPO_ROOT, 'fixtures/dicom/series/tcia-brain-tumor-progression-mr');

async function factsOf(path: string) {
  const input = await readInputVolume(path);
  const header = input.source ? readDicomHeader(input.source[0].bytes, input.source[0].name) : undefined;
  return { input, facts: measureInputFacts(input.volume, { kind: input.kind, modality: header?.modality, bodyPart: header?.bodyPartExamined }) };
}
const outcomes = (checks: { check: string; outcome: string }[]) => Object.fromEntries(checks.map((c) => [c.check, c.outcome]));

describe('the brain-tissue input domain (real series and volumes)', () => {
  afterAll(releaseModels);

  it('refuses the chest CT series before inference, naming what it expects and what the series is', async () => {
    const { facts } = await factsOf(CT);
    const v = checkInputDomain(spec, facts);
    expect(v.refusal).toMatch(/^brain-tissue expects T1-weighted MR of the adult head .*; this series is CT of the chest: /);
    expect(v.refusal).toContain('modality CT (expected MR)');
    expect(v.refusal).toContain('body-part CHEST (expected HEAD or BRAIN)');
    expect(v.refusal).toMatch(/spacing 0\.65 × 0\.65 × 8 mm \(expected 0\.5–3 mm on every axis\)/);
    expect(outcomes(v.checks)).toMatchObject({ modality: 'failed', 'body-part': 'failed', spacing: 'failed', extent: 'failed', intensity: 'failed' });
  });

  it('lets the T1 volume through; NIfTI carries no modality, so those checks say not-checked', async () => {
    const { facts } = await factsOf(T1_PATH);
    const v = checkInputDomain(spec, facts);
    expect(v.refusal).toBeUndefined();
    expect(outcomes(v.checks)).toEqual({ modality: 'not-checked', 'body-part': 'not-checked', spacing: 'passed', extent: 'passed', intensity: 'passed' });
    expect(v.checks.find((c) => c.check === 'modality')?.found).toBe('not stated (NIfTI carries no modality)');
  });

  it('refuses the brain MR series with 6.5 mm slices: MR of the brain, but not what the model was trained on', async () => {
    const { facts } = await factsOf(MR);
    const v = checkInputDomain(spec, facts);
    expect(outcomes(v.checks)).toMatchObject({ modality: 'passed', 'body-part': 'passed', spacing: 'failed', extent: 'passed' });
    expect(v.refusal).toMatch(/this series is MR of the brain: spacing 0\.69 × 0\.69 × 6\.5 mm/);
  });

  it('refuses a CT given as NIfTI by its intensity profile (air at −1000 HU), and a volume too small to be a head', async () => {
    const { input } = await factsOf(CT);
    const asNifti = measureInputFacts(input.volume, { kind: 'nifti' });
    const v = checkInputDomain(spec, asNifti);
    expect(v.checks.find((c) => c.check === 'intensity')).toMatchObject({ outcome: 'failed' });
    expect(v.refusal).toMatch(/this volume is a NIfTI volume of unstated modality: .*intensity \d+(\.\d+)? % of voxels below zero/);
    const tiny = checkInputDomain(spec, (await factsOf(join(REPO_ROOT, 'fixtures/nifti/monai/anatomical.nii'))).facts);
    expect(tiny.refusal).toMatch(/extent 66 × 82 × 50 mm \(expected 100–320 mm on every axis\)/);
  });

  it('a model without a declared domain runs with its domain marked not checked', async () => {
    const { domain: _dropped, ...rest } = spec;
    const v = checkInputDomain(parseModelSpec(rest), (await factsOf(CT)).facts);
    expect(v).toEqual({ checks: [{ check: 'domain', outcome: 'not-checked', expected: 'no input domain declared by the model', found: 'CT of the chest' }] });
  });
});

describe('output plausibility (the real model on real inputs)', () => {
  afterAll(releaseModels);

  it('the T1 volume gives plausible white and grey matter; the brain MR series an empty mask, which is flagged', async () => {
    const model = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: null, threads: 2, log: () => {} });
    const t1 = await readInputVolume(T1_PATH);
    const good = checkOutputPlausibility(spec, (await segmentVolume({ volume: t1.volume, model })).labelVolumesMl);
    expect(good.warnings).toEqual([]);
    expect(good.checks.map((c) => c.outcome)).toEqual(['passed', 'passed']);

    const mr = await readInputVolume(MR);
    const result = await segmentVolume({ volume: mr.volume, model });
    expect(result.labelVolumesMl['White Matter']).toBe(0);
    const flagged = checkOutputPlausibility(spec, result.labelVolumesMl);
    expect(flagged.checks).toEqual([
      { check: 'volume:White Matter', outcome: 'warning', expected: '150 ml–900 ml, not empty', found: '0 ml' },
      { check: 'volume:Grey Matter', outcome: 'warning', expected: '250 ml–1.2 l, not empty', found: '0 ml' },
    ]);
    expect(flagged.warnings[0]).toBe('White Matter is empty; brain-tissue expects 150 ml–900 ml, not empty — check the input and the mask before using it');
  }, 240_000);

  it('litres of grey matter are flagged', () => {
    // the volumes the model gives on the chest CT series when nothing stops it (measured: segflow infer)
    const v = checkOutputPlausibility(spec, { background: 20606.027, 'White Matter': 903.189, 'Grey Matter': 4785.423 });
    expect(v.warnings).toEqual([
      'White Matter is 903.2 ml; brain-tissue expects 150 ml–900 ml, not empty — check the input and the mask before using it',
      'Grey Matter is 4.79 l; brain-tissue expects 250 ml–1.2 l, not empty — check the input and the mask before using it',
    ]);
  });
});
