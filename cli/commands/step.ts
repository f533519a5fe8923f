/**
 * `segflow step <invocation.json> [--result <file>]`: runs one pipeline step (workers/run-step.ts).
 * Used by the local executor (one child process per step) and as the worker image's command under
 * Argo. The result is written atomically to --result, or printed as the last stdout line; a failed
 * step prints `{ "error": ... }` to stderr and exits 1 (2 for an invocation that is not valid).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { writeFileAtomic } from '@/lib/util/write-file-atomic';
import { runStep } from '@/workers/run-step';

export function register(program: Command): void {
  program
    .command('step <invocation>')
    .description('run one pipeline step (used by the executors)')
    .option('--result <file>', 'where to write the step result (JSON)')
    .action(async (invocation: string, opts: { result?: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(invocation, 'utf8'));
      } catch (err) {
        process.stderr.write(`${JSON.stringify({ error: `${invocation}: ${err instanceof Error ? err.message : String(err)}` })}\n`);
        process.exit(2);
      }
      try {
        const result = await runStep(raw);
        const text = `${JSON.stringify(result)}\n`;
        if (opts.result) await writeFileAtomic(opts.result, text);
        else process.stdout.write(text);
        process.exit(0);
      } catch (err) {
        process.stderr.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
        process.exit(1);
      }
    });
}
