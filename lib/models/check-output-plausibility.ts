/**
 * After inference: is the mask anatomically plausible for what the model declares per label
 * (lib/models/input-domain.ts)? An empty label that may not be empty, or a volume outside its range
 * ("4.8 litres of grey matter"), is a warning: the run still succeeds — its mask exists and may be
 * looked at — but the warning shows on the run page, in the API and in the manifest.
 */
import type { TRunCheck } from '@/db/schema/run-json';
import type { TModelSpec } from './model-spec';

export interface PlausibilityVerdict {
  checks: TRunCheck[];
  /** one sentence per implausible label, for the run page and the API */
  warnings: string[];
}

const ml = (x: number) => (x >= 1000 ? `${Number((x / 1000).toFixed(2))} l` : `${Number(x.toFixed(1))} ml`);

export function checkOutputPlausibility(spec: TModelSpec, labelVolumesMl: Record<string, number>): PlausibilityVerdict {
  const checks: TRunCheck[] = [];
  const warnings: string[] = [];
  for (const label of spec.labels) {
    const p = label.plausible;
    if (!p) continue;
    const v = labelVolumesMl[label.name] ?? 0;
    const range = p.volumeMl;
    const expected = [range ? `${ml(range.min)}–${ml(range.max)}` : null, p.mayBeEmpty ? null : 'not empty'].filter(Boolean).join(', ') || 'anything';
    let problem: string | null = null;
    if (v === 0 && !p.mayBeEmpty) problem = `${label.name} is empty`;
    else if (v > 0 && range && (v < range.min || v > range.max)) problem = `${label.name} is ${ml(v)}`;
    checks.push({ check: `volume:${label.name}`, outcome: problem ? 'warning' : 'passed', expected, found: ml(v) });
    if (problem) warnings.push(`${problem}; ${spec.name} expects ${expected} — check the input and the mask before using it`);
  }
  return { checks, warnings };
}
