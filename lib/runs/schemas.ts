import { z } from 'zod';

export const ZSubmitRun = z.object({ project: z.string().min(1), series: z.uuid(), model: z.string().min(1).max(128) });
export const ZRunRef = z.object({ run: z.uuid() });
/** cancel or retry: the reason goes into the audit log (and a cancelled run's error) */
export const ZRunControl = z.object({ run: z.uuid(), reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500) });
export type TRunControl = z.infer<typeof ZRunControl>;
/** retry; `overrideDomain`: segment the input even though it is outside the model's declared domain (the reason says why) */
export const ZRunRetry = ZRunControl.extend({ overrideDomain: z.boolean().default(false) });

export interface RunStepDto {
  name: string;
  status: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** what a pending step waits for on a cluster ("waiting for a GPU node"), when it waits */
  detail?: string;
  outputs: { name: string; key: string; sha256: string; size: number }[];
  info?: Record<string, unknown>;
  /** an infer task's input-domain and output-plausibility checks (lib/models/check-*.ts) */
  checks?: { check: string; outcome: string; expected: string; found: string }[];
}

export interface RunDto {
  id: string;
  runKey: string;
  status: string;
  studyId: string;
  studyLabel: string;
  seriesId: string;
  kind: string;
  model: string;
  /** the version whose mask researchers see */
  serving: { role: string; version: string };
  /** present only for roles that may see shadow results (operators, admins) */
  shadow?: { version: string };
  pipelineVersion: string;
  error: string | null;
  /** the serving model's implausible outputs: a succeeded run flagged with these (empty: none) */
  warnings: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  manifestKey: string | null;
  manifestSha256: string | null;
  /** 1, then one more per retry */
  attempt: number;
}

export interface RunDetailDto extends RunDto {
  steps: RunStepDto[];
  /** the model's live version when the run was submitted (a canary run's mask was made by another) */
  liveAtSubmission: string | null;
  /** shadow vs serving, per label (operators, admins) */
  comparison?: { name: string; dice: number; hd95Mm: number | null; volumeDiffMl: number }[];
}
