/**
 * `segflow runs cancel <run> --reason <text>` and `segflow runs retry <run> --reason <text>`: run
 * control through the API (operators and admins of the run's project; the reason is audited). Each
 * prints the run as JSON (its last line). The demo fallback uses the operator's demo token.
 */
import type { Command } from 'commander';
import { callApi } from '@/lib/platform/call-api';
import type { RunDto } from '@/lib/runs/schemas';

function control(verb: 'cancel' | 'retry') {
  return async (run: string, opts: { reason: string }) => {
    const { run: out } = await callApi<{ run: RunDto }>('POST', `/api/runs/${encodeURIComponent(run)}/${verb}`, { reason: opts.reason }, 'operator');
    process.stderr.write(verb === 'cancel' ? `run ${out.id}: ${out.status}\n` : `run ${out.id}: ${out.status} (attempt ${out.attempt})\n`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  };
}

export function register(program: Command): void {
  const runs = program.command('runs').description('look after runs: cancel, retry');
  runs
    .command('cancel <run>')
    .description('cancel a queued or running run: its running step is stopped, nothing after it runs')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .action(control('cancel'));
  runs
    .command('retry <run>')
    .description('run a failed or cancelled run again: steps that did not succeed run again, succeeded ones are kept')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .action(control('retry'));
}
