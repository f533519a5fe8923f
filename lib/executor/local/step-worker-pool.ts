import { spawn, type ChildProcess } from 'node:child_process';
import { config } from '@/lib/config';
import { ZRunChecks } from '@/db/schema/run-json';
import { ZStepResult, type TStepInvocation, type TStepResult } from '@/lib/pipeline/step-contract';
import { MarkedLines, type StepWorkerReply, type StepWorkerRequest } from '@/lib/pipeline/step-worker-protocol';
import { killGroup, segflowBin, StepAborted, StepRefused, type StepContext } from './spawn-step';

export interface StepWorkerPoolOptions {
  /** a worker is replaced after this many steps */
  maxSteps: number;
  /** …or when its resident memory after a step is above this */
  maxRssBytes: number;
  /** idle workers kept (more are started when steps run side by side, and ended after) */
  maxIdle: number;
}

type Done = Extract<StepWorkerReply, { type: 'done' }>;

/** One `segflow step-worker` process: its own process group, so a timeout or cancel kills it and all it started. */
class StepWorker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  steps = 0;
  rssBytes = 0;
  alive = true;
  private nextId = 1;
  private current?: {
    id: number;
    ctx: StepContext;
    ends: number;
    reply?: Done;
    stderrTail: string[];
    settle: (err: Error | null, reply?: Done) => void;
  };

  constructor() {
    this.child = spawn(process.execPath, [segflowBin(), 'step-worker'], {
      // biome-ignore lint/style/noProcessEnv: the worker inherits the executor's environment; a step's secrets come per step
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    const out = new MarkedLines(
      (line) => this.current?.ctx.log?.write('stdout', `${line}\n`),
      (id) => this.ended(id),
    );
    const err = new MarkedLines(
      (line) => {
        const c = this.current;
        if (!c) return;
        c.ctx.log?.write('stderr', `${line}\n`);
        c.stderrTail.push(line);
        if (c.stderrTail.length > 50) c.stderrTail.shift();
      },
      (id) => this.ended(id),
    );
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => out.write(d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => err.write(d));
    this.ready = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.on('message', (m: StepWorkerReply) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'done' && this.current?.id === m.id) {
          this.current.reply = m;
          this.finishIfComplete();
        }
      });
      this.child.once('exit', (code, signal) => {
        this.alive = false;
        const why = `its step worker exited (${signal ?? `code ${code}`})`;
        reject(new Error(`step worker did not start: ${why}`));
        this.current?.settle(new Error(this.lastError() ?? why));
      });
    });
  }

  /** the error a dying step printed last (`{ "error": … }`), if any */
  private lastError(): string | undefined {
    for (const line of [...(this.current?.stderrTail ?? [])].reverse()) {
      try {
        const parsed = JSON.parse(line) as { error?: unknown };
        if (typeof parsed.error === 'string') return parsed.error;
      } catch {
        // not a JSON line
      }
    }
    return undefined;
  }

  private ended(id: number): void {
    if (this.current?.id !== id) return;
    this.current.ends++;
    this.finishIfComplete();
  }

  /** done when the reply came and both streams passed the step's end mark (its output is all in) */
  private finishIfComplete(): void {
    const c = this.current;
    if (c?.reply && c.ends >= 2) c.settle(null, c.reply);
  }

  /** while a step runs the worker keeps the executor alive; idle, it does not */
  hold(busy: boolean): void {
    const streams = [this.child, this.child.stdout, this.child.stderr, this.child.channel] as ({ ref(): void; unref(): void } | null | undefined)[];
    for (const s of streams) busy ? s?.ref() : s?.unref();
  }

  async run(inv: TStepInvocation, ctx: StepContext): Promise<TStepResult> {
    await this.ready;
    const id = this.nextId++;
    this.steps++;
    let timedOut = false;
    const reply = await new Promise<Done>((resolve, reject) => {
      const onAbort = () => this.kill();
      const timer = setTimeout(() => {
        timedOut = true;
        this.kill();
      }, ctx.timeoutMs);
      this.current = {
        id,
        ctx,
        ends: 0,
        stderrTail: [],
        settle: (err, done) => {
          clearTimeout(timer);
          ctx.signal?.removeEventListener('abort', onAbort);
          this.current = undefined;
          if (err) reject(err);
          else resolve(done!);
        },
      };
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      if (ctx.signal?.aborted) {
        onAbort();
        return;
      }
      this.child.send({ type: 'run', id, invocation: inv, env: ctx.env } satisfies StepWorkerRequest);
    }).catch((err: Error) => {
      if (ctx.signal?.aborted) throw new StepAborted(ctx.signal.reason);
      if (timedOut) throw new Error(`${inv.task}: timed out after ${Math.round(ctx.timeoutMs / 1000)} s`);
      throw err;
    });
    this.rssBytes = reply.rssBytes;
    if (reply.ok) return ZStepResult.parse(reply.result);
    if (reply.refusedChecks) throw new StepRefused(reply.error, ZRunChecks.catch([]).parse(reply.refusedChecks));
    throw new Error(reply.error);
  }

  kill(): void {
    this.alive = false;
    killGroup(this.child.pid);
  }
}

/**
 * Warm step workers for the local executor: steps run in long-lived `segflow step-worker` processes
 * (no start-up, compiled code and onnxruntime sessions kept per model version) instead of a new
 * process each. A worker runs one step at a time; a timeout or cancel kills that worker's process
 * group, as for a step process, and the next step gets a new one. Workers are replaced after
 * `maxSteps` steps or when their memory grew past `maxRssBytes`; idle ones beyond `maxIdle` end.
 */
export class StepWorkerPool {
  private idle: StepWorker[] = [];
  private started = 0;
  private closed = false;

  constructor(private readonly opts: StepWorkerPoolOptions) {}

  /** runs one attempt of a step (the executor's `runWorkerStep`) */
  run = async (inv: TStepInvocation, ctx: StepContext): Promise<TStepResult> => {
    if (ctx.signal?.aborted) throw new StepAborted(ctx.signal.reason);
    if (this.closed) throw new StepAborted({ kind: 'shutdown' });
    let worker = this.idle.pop();
    while (worker && !worker.alive) worker = this.idle.pop();
    if (!worker) {
      worker = new StepWorker();
      this.started++;
    }
    worker.hold(true);
    try {
      return await worker.run(inv, ctx);
    } finally {
      this.release(worker);
    }
  };

  private release(w: StepWorker): void {
    const keep = w.alive && !this.closed && w.steps < this.opts.maxSteps && w.rssBytes <= this.opts.maxRssBytes && this.idle.length < this.opts.maxIdle;
    if (!keep) {
      w.kill();
      return;
    }
    w.hold(false);
    this.idle.push(w);
  }

  /** for tests and the health file: workers started so far and the pids of the idle ones */
  stats(): { started: number; idle: number[] } {
    return { started: this.started, idle: this.idle.map((w) => w.child.pid ?? 0) };
  }

  /** ends the idle workers; steps still running finish on theirs, which end after */
  close(): void {
    this.closed = true;
    for (const w of this.idle.splice(0)) w.kill();
  }
}

let shared: StepWorkerPool | undefined;

/** How this process runs steps by default: the warm pool (SEGFLOW_STEP_WORKERS=warm, the default) or undefined (a process per step). */
export function sharedStepWorkers(): StepWorkerPool | undefined {
  const c = config().executor.stepWorkers;
  if (c.mode !== 'warm') return undefined;
  shared ??= new StepWorkerPool({ maxSteps: c.maxSteps, maxRssBytes: c.maxRssMb * 1024 * 1024, maxIdle: 2 });
  return shared;
}

/** ends the shared pool's idle workers (executor shutdown); the next sharedStepWorkers() makes a new pool */
export function closeSharedStepWorkers(): void {
  shared?.close();
  shared = undefined;
}
