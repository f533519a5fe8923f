/**
 * Before inference: is the run's de-identified input inside the model's declared domain
 * (lib/models/input-domain.ts)? Modality and body part come from the DICOM header (a NIfTI volume
 * carries neither: those checks say "not-checked"), spacing and extent from the converted volume,
 * the intensity profile from its voxels. A failed check refuses the run with a reason in the user's
 * words: "brain-tissue expects T1-weighted MR of the adult head; this series is CT of the chest".
 */
import type { TRunCheck } from '@/db/schema/run-json';
import type { Volume } from '@/lib/imaging/volume';
import type { TModelSpec } from './model-spec';

/** What the checks look at, measured once from the input. */
export interface InputFacts {
  kind: 'dicom' | 'nifti';
  /** DICOM Modality (0008,0060); absent for NIfTI */
  modality?: string;
  /** DICOM BodyPartExamined (0018,0015); absent for NIfTI and for series that do not say */
  bodyPart?: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  /** share of voxels below zero (MR: none; CT in Hounsfield units: air at −1000) */
  fractionBelowZero: number;
}

export function measureInputFacts(volume: Volume, p: { kind: 'dicom' | 'nifti'; modality?: string; bodyPart?: string }): InputFacts {
  let below = 0;
  const data = volume.data;
  for (let i = 0; i < data.length; i++) if (data[i] < 0) below++;
  return {
    kind: p.kind,
    ...(p.modality ? { modality: p.modality.trim().toUpperCase() } : {}),
    ...(p.bodyPart ? { bodyPart: p.bodyPart.trim().toUpperCase() } : {}),
    dims: [...volume.dims],
    spacing: [...volume.spacing],
    fractionBelowZero: data.length ? below / data.length : 0,
  };
}

const mm = (v: number[]) => `${v.map((x) => Number(x.toFixed(2))).join(' × ')} mm`;
const within = (v: number[], r: { min: number; max: number }) => v.every((x) => x >= r.min - 1e-6 && x <= r.max + 1e-6);

/** DICOM modality codes in the user's words (also what a researcher may state for a NIfTI volume) */
export const MODALITY_WORDS: Record<string, string> = {
  MR: 'MR',
  CT: 'CT',
  PT: 'PET',
  NM: 'nuclear medicine',
  US: 'ultrasound',
  CR: 'radiography',
  DX: 'radiography',
  MG: 'mammography',
  XA: 'angiography',
};

/** "CT of the chest", "MR of the brain", "a NIfTI volume of unstated modality" */
export function describeInput(f: InputFacts): string {
  const what = f.modality
    ? (MODALITY_WORDS[f.modality] ?? f.modality)
    : f.kind === 'nifti'
      ? 'a NIfTI volume of unstated modality'
      : 'a series of unstated modality';
  return f.bodyPart ? `${what} of the ${f.bodyPart.toLowerCase()}` : what;
}

export interface DomainVerdict {
  checks: TRunCheck[];
  /** set when a check failed: why the run is refused, in the user's words */
  refusal?: string;
}

export function checkInputDomain(spec: TModelSpec, f: InputFacts): DomainVerdict {
  const d = spec.domain;
  if (!d) return { checks: [{ check: 'domain', outcome: 'not-checked', expected: 'no input domain declared by the model', found: describeInput(f) }] };
  const checks: TRunCheck[] = [];
  checks.push(
    f.modality
      ? { check: 'modality', outcome: d.modalities.includes(f.modality) ? 'passed' : 'failed', expected: d.modalities.join(' or '), found: f.modality }
      : {
          check: 'modality',
          outcome: 'not-checked',
          expected: d.modalities.join(' or '),
          found: f.kind === 'nifti' ? 'not stated (NIfTI carries no modality)' : 'not in the DICOM header',
        },
  );
  checks.push(
    f.bodyPart
      ? { check: 'body-part', outcome: d.bodyParts.includes(f.bodyPart) ? 'passed' : 'failed', expected: d.bodyParts.join(' or '), found: f.bodyPart }
      : {
          check: 'body-part',
          outcome: 'not-checked',
          expected: d.bodyParts.join(' or '),
          found: f.kind === 'nifti' ? 'not stated (NIfTI carries no body part)' : 'not in the DICOM header',
        },
  );
  checks.push({
    check: 'spacing',
    outcome: within(f.spacing, d.spacingMm) ? 'passed' : 'failed',
    expected: `${d.spacingMm.min}–${d.spacingMm.max} mm on every axis`,
    found: mm(f.spacing),
  });
  const extent = f.dims.map((n, i) => n * f.spacing[i]);
  checks.push({
    check: 'extent',
    outcome: within(extent, d.extentMm) ? 'passed' : 'failed',
    expected: `${d.extentMm.min}–${d.extentMm.max} mm on every axis`,
    found: mm(extent),
  });
  if (d.intensity) {
    const pct = (x: number) => `${Number((x * 100).toFixed(2))} %`;
    checks.push({
      check: 'intensity',
      outcome: f.fractionBelowZero <= d.intensity.maxFractionBelowZero ? 'passed' : 'failed',
      expected: `at most ${pct(d.intensity.maxFractionBelowZero)} of voxels below zero`,
      found: `${pct(f.fractionBelowZero)} of voxels below zero`,
    });
  }
  const failed = checks.filter((c) => c.outcome === 'failed');
  if (!failed.length) return { checks };
  const subject = f.kind === 'dicom' ? 'this series' : 'this volume';
  const reasons = failed.map((c) => `${c.check} ${c.found} (expected ${c.expected})`).join('; ');
  return { checks, refusal: `${spec.name} expects ${d.description}; ${subject} is ${describeInput(f)}: ${reasons}` };
}
