import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config } from '@/lib/config';
import { ZRunChecks, type TRunCheck } from '@/db/schema/run-json';
import { STEP_REFUSED_EXIT_CODE, ZStepResult, type TStepInvocation, type TStepResult } from '@/lib/pipeline/step-contract';
import type { StepLog } from '@/lib/runs/logs/step-log';

/** The CLI the step runs in: the same `segflow step` the worker image runs under Argo. */
export function segflowBin(): string {
  return join(config().root, 'bin', 'segflow.mjs');
}

/** What one attempt of a worker step runs with. */
export interface StepContext {
  /** added to the step's environment (secrets go here, never in the invocation) */
  env: Record<string, string>;
  /** aborting kills the step's whole process group; the attempt then rejects with StepAborted */
  signal?: AbortSignal;
  /** the attempt's limit (lib/pipeline/steps.ts timeoutS): then the process group is killed and the attempt fails */
  timeoutMs: number;
  /** receives everything the step prints (stdout and stderr), for the attempt's stored log */
  log?: StepLog;
}

/** An attempt ended by its executor (shutdown, lost lease), not by the step: it says nothing about the step. */
export class StepAborted extends Error {
  constructor(readonly reason: unknown) {
    super('step aborted by its executor');
  }
}

/** The step refused its input (outside the model's domain): the same input would be refused again, so it is not retried. */
export class StepRefused extends Error {
  constructor(
    message: string,
    readonly checks: TRunCheck[],
  ) {
    super(message);
  }
}

/** Kills a detached child's whole process group (the step and anything it started). */
export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs one step as a child process of this machine: the invocation goes in a private temp file,
 * the result comes back in another (written atomically by the child). Secrets go in the child's
 * environment only. The child leads its own process group, so a timeout or an abort kills all of
 * it. A step that exits non-zero fails with the error it printed (its last stderr line is
 * `{ "error": … }`), or its exit code.
 */
export async function spawnStep(inv: TStepInvocation, ctx: StepContext): Promise<TStepResult> {
  if (ctx.signal?.aborted) throw new StepAborted(ctx.signal.reason);
  const dir = await mkdtemp(join(tmpdir(), 'segflow-step-'));
  try {
    const invPath = join(dir, 'invocation.json');
    const resultPath = join(dir, 'result.json');
    await writeFile(invPath, JSON.stringify(inv), { mode: 0o600 });
    const stderr: string[] = [];
    let timedOut = false;
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [segflowBin(), 'step', invPath, '--result', resultPath], {
        // biome-ignore lint/style/noProcessEnv: the step process inherits the executor's environment
        env: { ...process.env, ...ctx.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const onAbort = () => killGroup(child.pid);
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      // aborted while the invocation was being written: the listener came too late to hear it
      if (ctx.signal?.aborted) onAbort();
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, ctx.timeoutMs);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => ctx.log?.write('stdout', chunk));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        ctx.log?.write('stderr', chunk);
        stderr.push(chunk);
        if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
      });
      child.on('error', reject);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', onAbort);
        resolve(exitCode);
      });
    });
    if (ctx.signal?.aborted) throw new StepAborted(ctx.signal.reason);
    if (timedOut) throw new Error(`${inv.task}: timed out after ${Math.round(ctx.timeoutMs / 1000)} s`);
    if (code !== 0) {
      const lines = stderr.join('').trim().split('\n');
      let message = `exited with ${code ?? 'a signal'}`;
      let checks: unknown = [];
      for (const line of lines.reverse()) {
        try {
          const parsed = JSON.parse(line) as { error?: string; checks?: unknown };
          if (parsed.error) {
            message = parsed.error;
            checks = parsed.checks ?? [];
            break;
          }
        } catch {
          // not the JSON error line
        }
      }
      if (code === STEP_REFUSED_EXIT_CODE) throw new StepRefused(message, ZRunChecks.catch([]).parse(checks));
      throw new Error(message);
    }
    return ZStepResult.parse(JSON.parse(await readFile(resultPath, 'utf8')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
