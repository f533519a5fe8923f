/**
 * `segflow run --project <slug> --series <id> [--model <name>] [--wait]`: submits a series (or NIfTI
 * volume) to a model through the API, as the study page does. Prints the run as JSON (its last line);
 * with --wait, polls until it finishes and exits 1 when it failed.
 */
import type { Command } from 'commander';
import type { RunDetailDto } from '@/lib/runs/schemas';

/** lib/platform/call-api, loaded when used (`segflow --help` loads no command's code) */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const { callApi } = await import('@/lib/platform/call-api');
  return callApi<T>(method, path, body);
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a series through the segmentation pipeline (idempotent: the same submission returns the same run)')
    .requiredOption('--project <slug>', 'project slug')
    .requiredOption('--series <id>', 'series or volume id (see the study page or GET /api/studies/:id)')
    .option('--model <name>', 'model name (its deployment slot picks the version)', 'brain-tissue')
    .option('--wait', 'wait until the run finishes')
    .action(async (opts: { project: string; series: string; model: string; wait?: boolean }) => {
      const submitted = await api<{ run: RunDetailDto; created: boolean }>('POST', `/api/projects/${encodeURIComponent(opts.project)}/runs`, {
        series: opts.series,
        model: opts.model,
      });
      let run: RunDetailDto = submitted.run;
      process.stderr.write(`${submitted.created ? 'submitted' : 'already submitted'}: run ${run.id} (${run.status})\n`);
      if (opts.wait) {
        for (;;) {
          run = (await api<{ run: RunDetailDto }>('GET', `/api/runs/${run.id}`)).run;
          if (process.stderr.isTTY)
            process.stderr.write(`\r${run.status}: ${run.steps.filter((s) => s.status === 'succeeded').length}/${run.steps.length} steps`);
          if (run.status !== 'queued' && run.status !== 'running') break;
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
      if (process.stderr.isTTY && opts.wait) process.stderr.write('\n');
      // a succeeded run with an implausible mask says so where a person reads, not only in the JSON
      for (const w of run.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
      if (run.status === 'failed' && run.error) process.stderr.write(`failed: ${run.error}\n`);
      process.stdout.write(`${JSON.stringify(run)}\n`);
      if (run.status === 'failed') process.exit(1);
    });
}
