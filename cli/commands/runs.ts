/**
 * `segflow runs cancel <run> --reason <text>` and `segflow runs retry <run> --reason <text>`: run
 * control through the API (operators and admins of the run's project; the reason is audited; the demo
 * fallback uses the operator's demo token). `segflow runs download <run> --out <dir>`: the run's
 * results under their own names, each checked against the SHA-256 the manifest records before any
 * is written (a mismatch writes nothing, names the file and exits 1); written atomically. Each
 * prints its result as JSON (its last line).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { DownloadedOutput } from '@/lib/runs/outputs/check-downloads';
import type { StepLogDto } from '@/lib/runs/logs/get-step-log';
import type { RunOutputDto } from '@/lib/runs/outputs/list-run-outputs';
import type { RunDto } from '@/lib/runs/schemas';

/** loaded when used: `segflow --help` loads no command's code */
async function callApi<T>(...args: Parameters<typeof import('@/lib/platform/call-api').callApi>): Promise<T> {
  const { callApi } = await import('@/lib/platform/call-api');
  return callApi<T>(...args);
}

async function download(run: string, opts: { out: string }): Promise<void> {
  const { outputs } = await callApi<{ outputs: RunOutputDto[] }>('GET', `/api/runs/${encodeURIComponent(run)}/outputs`);
  if (!outputs.length) throw new Error(`run ${run} has no results to download yet (is it finished?)`);
  const files: DownloadedOutput[] = [];
  for (const output of outputs) {
    const res = await fetch(output.url);
    if (!res.ok) throw new Error(`${output.file}: the download failed with HTTP ${res.status}`);
    files.push({ output, bytes: new Uint8Array(await res.arrayBuffer()) });
  }
  const { checkDownloads } = await import('@/lib/runs/outputs/check-downloads');
  const { problems, checkedAgainst } = checkDownloads(files);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stderr.write(`nothing written: ${problems.length} file${problems.length === 1 ? '' : 's'} did not check out\n`);
    process.exit(1);
  }
  const dir = resolve(opts.out);
  await mkdir(dir, { recursive: true });
  const { writeFileAtomic } = await import('@/lib/util/write-file-atomic');
  for (const f of files) await writeFileAtomic(join(dir, f.output.file), f.bytes);
  process.stderr.write(`${files.length} file${files.length === 1 ? '' : 's'} written to ${dir}, each checked against the ${checkedAgainst}\n`);
  process.stdout.write(
    `${JSON.stringify({ run, dir, checkedAgainst, files: files.map((f) => ({ file: f.output.file, size: f.bytes.byteLength, sha256: f.output.sha256 })) })}\n`,
  );
}

function control(verb: 'cancel' | 'retry') {
  return async (run: string, opts: { reason: string }) => {
    const { run: out } = await callApi<{ run: RunDto }>('POST', `/api/runs/${encodeURIComponent(run)}/${verb}`, { reason: opts.reason }, 'operator');
    process.stderr.write(verb === 'cancel' ? `run ${out.id}: ${out.status}\n` : `run ${out.id}: ${out.status} (attempt ${out.attempt})\n`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  };
}

async function logs(run: string, opts: { task: string; attempt?: string }): Promise<void> {
  const query = opts.attempt ? `?attempt=${encodeURIComponent(opts.attempt)}` : '';
  const { log } = await callApi<{ log: StepLogDto }>('GET', `/api/runs/${encodeURIComponent(run)}/steps/${encodeURIComponent(opts.task)}/logs${query}`);
  process.stderr.write(`${log.step}, attempt ${log.attempt} of ${log.attempts} (${log.status})${log.stored ? '' : ': nothing stored'}\n`);
  for (const l of log.lines) process.stdout.write(`${l.t} ${l.stream.padEnd(8)} ${l.line}\n`);
}

export function register(program: Command): void {
  const runs = program.command('runs').description('look after runs: cancel, retry, logs, download');
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
  runs
    .command('logs <run>')
    .description("what one attempt of a run's step printed (default: its latest attempt)")
    .requiredOption('--task <id>', 'the step (task id: ingest, deidentify, convert, infer-serving, …)')
    .option('--attempt <n>', 'which attempt (1, 2, …)')
    .action(logs);
  runs
    .command('download <run>')
    .description("write a run's results (mask.nii.gz, seg.dcm, volumes.json, manifest.json, …) into a folder, each checked against the manifest's SHA-256")
    .requiredOption('--out <dir>', 'the folder to write them to (created if missing)')
    .action(download);
}
