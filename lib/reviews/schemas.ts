import { z } from 'zod';
import type { RunImagesDto } from '../viewer/schemas';
import type { DiffLayerDto } from './diff-types';

/** review_verdicts.verdict: which mask a reviewer prefers for one case. */
export const VERDICTS = ['shadow_better', 'equivalent', 'live_better', 'both_wrong'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_LABELS: Record<Verdict, string> = {
  shadow_better: 'Shadow is better',
  equivalent: 'Equivalent',
  live_better: 'Live is better',
  both_wrong: 'Both are wrong',
};

export const ZComparisonRef = z.object({ comparison: z.uuid() });
export const ZSubmitVerdict = z.object({
  comparison: z.uuid(),
  verdict: z.enum(VERDICTS),
  comment: z.string().trim().max(2000).optional(),
});
export type TSubmitVerdict = z.infer<typeof ZSubmitVerdict>;

/** One label's agreement between the shadow and the live mask (lib/metrics ZLabelComparison). */
export interface LabelAgreement {
  value: number;
  name: string;
  dice: number;
  hd95Mm: number | null;
  volumeDiffMl: number;
  volumeDiffPct: number | null;
}

export interface MyVerdict {
  verdict: Verdict;
  comment: string | null;
  at: string;
}

/** A case in the reviewer's queue: pseudonymous study label only, never identifying data. */
export interface ReviewQueueItem {
  id: string;
  /** the run compared (the row's data-run: tests find a run's case by it) */
  runId: string;
  projectSlug: string;
  studyLabel: string;
  model: string;
  createdAt: string;
  labels: { name: string; dice: number }[];
  meanDice: number | null;
  myVerdict: Verdict | null;
}

export interface ReviewCaseDto {
  id: string;
  runId: string;
  projectSlug: string;
  studyLabel: string;
  model: string;
  liveVersion: string;
  shadowVersion: string;
  createdAt: string;
  metrics: LabelAgreement[];
  myVerdict: MyVerdict | null;
}

export interface ReviewCaseView extends ReviewCaseDto {
  images: RunImagesDto;
  /** the compare step's difference labelmap and disagreement profile; null for runs compared without them */
  diff: DiffLayerDto | null;
}
