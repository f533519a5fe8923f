import type { RunDto, RunStepDto } from './schemas';

/**
 * Whether a run failed because its model refused the input as outside its declared domain (an infer
 * step that failed on a failed input check): the one failure an operator may override on retry.
 */
export function refusedByDomain(run: Pick<RunDto, 'status'> & { steps: Pick<RunStepDto, 'status' | 'checks'>[] }): boolean {
  return run.status === 'failed' && run.steps.some((s) => s.status === 'failed' && s.checks?.some((c) => c.outcome === 'failed'));
}
