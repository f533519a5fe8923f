/**
 * `segflow step <invocation.json> [--result <file>] [--upstream <task>=<result.json> ...]`: runs one
 * pipeline step (workers/run-step.ts). Used by the local executor (one child process per step) and as
 * the worker image's command under Argo, where the results of the tasks before it arrive as --upstream
 * files and are merged into the invocation's `upstream`. The result is written atomically to --result,
 * or printed as the last stdout line (JSON, kept safe for Argo's parameter substitution); a failed
 * step prints `{ "error": ... }` to stderr and exits 1 (2 for an invocation that is not valid; 3,
 * STEP_REFUSED_EXIT_CODE, with the checks, for an input outside the model's domain).
 * With --by-ref (the Argo templates) the invocation file and every --upstream file hold an object
 * reference into the bucket instead (lib/pipeline/step-exchange.ts), and the result is stored there
 * too: --result then receives its reference.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { argoParameterJson } from '@/lib/executor/argo/argo-parameters';
import { loadInvocation, loadStepResult, storeStepResult } from '@/lib/pipeline/step-exchange';
import { STEP_REFUSED_EXIT_CODE, ZStepInvocation } from '@/lib/pipeline/step-contract';
import { AppError } from '@/lib/errors';
import { writeFileAtomic } from '@/lib/util/write-file-atomic';
import { runStep, withUpstream } from '@/workers/run-step';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const isMissingFile = (err: unknown) => (err as { code?: unknown } | null)?.code === 'ENOENT';

export function register(program: Command): void {
  program
    .command('step <invocation>')
    .description('run one pipeline step (used by the executors)')
    .option('--result <file>', 'where to write the step result (JSON)')
    .option('--upstream <task=file>', "an upstream task's result (JSON), merged into the invocation's upstream (repeatable)", collect, [])
    .option('--by-ref', 'the invocation and upstream files are object references into the bucket; store the result there and write its reference', false)
    .action(async (invocation: string, opts: { result?: string; upstream: string[]; byRef: boolean }) => {
      let raw: unknown;
      let where = invocation;
      try {
        raw = JSON.parse(await readFile(invocation, 'utf8'));
        if (opts.byRef) raw = await loadInvocation(raw);
        for (const spec of opts.upstream) {
          where = `--upstream ${spec}`;
          const eq = spec.indexOf('=');
          if (eq < 1) throw new Error('expected <task>=<file>');
          const task = spec.slice(0, eq);
          const text: unknown = JSON.parse(await readFile(spec.slice(eq + 1), 'utf8'));
          raw = withUpstream(raw, { [task]: opts.byRef ? await loadStepResult(text, `upstream result of ${task}`) : text });
        }
      } catch (err) {
        process.stderr.write(`${JSON.stringify({ error: `${where}: ${err instanceof Error ? err.message : String(err)}` })}\n`);
        // the bucket not answering is worth another attempt; a reference or file that is not valid is not
        process.exit(opts.byRef && !(err instanceof AppError) && !(err instanceof SyntaxError) && !isMissingFile(err) ? 1 : 2);
      }
      try {
        const result = await runStep(raw);
        const text = `${argoParameterJson(opts.byRef ? await storeStepResult(ZStepInvocation.parse(raw), result) : result)}\n`;
        if (opts.result) await writeFileAtomic(opts.result, text);
        else process.stdout.write(text);
        process.exit(0);
      } catch (err) {
        // an input outside the model's domain is refused, not failed: the executors do not retry it
        if (err instanceof AppError && err.code === 'out_of_domain') {
          process.stderr.write(`${JSON.stringify({ error: err.message, code: err.code, checks: err.details?.checks ?? [] })}\n`);
          process.exit(STEP_REFUSED_EXIT_CODE);
        }
        process.stderr.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
        process.exit(1);
      }
    });
}
