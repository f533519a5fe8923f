import type { TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';

/** The line a warm step worker prints on stdout and stderr after each step (then its id): where that step's output ends. */
export const STEP_END_MARK = '\u001esegflow-step-end';

/** executor → worker: run one step with these environment variables (its secrets) */
export interface StepWorkerRequest {
  type: 'run';
  id: number;
  invocation: TStepInvocation;
  env: Record<string, string>;
}

/** worker → executor */
export type StepWorkerReply =
  | { type: 'ready'; pid: number }
  | ({ type: 'done'; id: number; rssBytes: number } & (
      | { ok: true; result: TStepResult }
      | { ok: false; error: string /** set when the step refused its input (out of the model's domain) */; refusedChecks?: unknown[] }
    ));

/**
 * Splits one output stream of a worker into lines: complete lines go to `line`, and a step's end
 * mark (which may follow a last line without its newline) to `end` with the step's id.
 */
export class MarkedLines {
  private partial = '';
  constructor(
    private readonly line: (text: string) => void,
    private readonly end: (id: number) => void,
  ) {}

  write(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) {
      const at = part.lastIndexOf(STEP_END_MARK);
      const id = at >= 0 ? Number(part.slice(at + STEP_END_MARK.length + 1)) : Number.NaN;
      if (at >= 0 && Number.isInteger(id)) {
        if (at > 0) this.line(part.slice(0, at));
        this.end(id);
      } else this.line(part);
    }
  }
}
