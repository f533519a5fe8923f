/**
 * A warm step worker (`segflow step-worker`): a long-lived process of the local executor that runs
 * one step at a time, sent over its IPC channel (lib/executor/local/step-worker-pool.ts). It keeps
 * what a fresh `segflow step` process pays for at every start — the loaded code, onnxruntime
 * sessions per model version (workers/inference/load-model.ts), the S3 client — between steps.
 *
 * The step's environment (its secrets) is set for the step and put back after it. Everything the
 * step prints goes to this process's stdout/stderr as usual; after each step a mark line on both
 * streams tells the pool where this step's output ends, then the reply goes over IPC. The worker
 * exits when its executor goes away (the channel closes).
 */
import { writeSync } from 'node:fs';
import { AppError } from '@/lib/errors';
import type { TStepResult } from '@/lib/pipeline/step-contract';
import { STEP_END_MARK, type StepWorkerReply, type StepWorkerRequest } from '@/lib/pipeline/step-worker-protocol';
import { runStep } from './run-step';

/** sets the step's environment variables; the function returned puts the previous values back */
function setStepEnv(env: Record<string, string>): () => void {
  // biome-ignore lint/style/noProcessEnv: a step's secrets arrive as environment variables, as under Argo
  const environment = process.env;
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, environment[k]);
    environment[k] = v;
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete environment[k];
      else environment[k] = v;
    }
  };
}

async function handle(req: StepWorkerRequest): Promise<StepWorkerReply> {
  const restoreEnv = setStepEnv(req.env);
  let outcome: { ok: true; result: TStepResult } | { ok: false; error: string; refusedChecks?: unknown[] };
  try {
    outcome = { ok: true, result: await runStep(req.invocation) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // an input outside the model's domain is refused, not failed (as `segflow step` exits 3)
    outcome =
      err instanceof AppError && err.code === 'out_of_domain'
        ? { ok: false, error: message, refusedChecks: (err.details?.checks as unknown[] | undefined) ?? [] }
        : { ok: false, error: message };
  } finally {
    restoreEnv();
  }
  const mark = `${STEP_END_MARK} ${req.id}\n`;
  writeSync(1, mark);
  writeSync(2, mark);
  return { type: 'done', id: req.id, rssBytes: process.memoryUsage().rss, ...outcome };
}

export function serveSteps(): void {
  if (!process.send) throw new Error('segflow step-worker runs under the local executor (it needs an IPC channel)');
  const send = process.send.bind(process);
  let queue = Promise.resolve();
  process.on('message', (req: StepWorkerRequest) => {
    if (req?.type !== 'run') return;
    // one step at a time, in the order sent
    queue = queue.then(async () => {
      send(await handle(req));
    });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', pid: process.pid });
}
