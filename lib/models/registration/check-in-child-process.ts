/**
 * A registration's checks in a child process of their own (`segflow models check-staged`), not in
 * the server's: onnxruntime-node runs a model on the calling thread, so a parity check in the server
 * stopped every other request for its seconds. The child reads the registration and its staged
 * objects itself, writes nothing, and prints what it found as one JSON line: the prepared completion,
 * or the AppError that ends the request (a file not sent yet, a model owned by another project).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { config } from '@/lib/config';
import { AppError, STATUS, type AppErrorCode } from '@/lib/errors';
import type { CompletionOf, PreparedCompletion } from './complete-registration';

/** a check that has not ended by then is stopped (its registration can be completed again) */
const CHECK_LIMIT_MS = 15 * 60_000;
/** the last this many characters of each stream are kept: the answer is one JSON line of a few KiB */
const KEEP_OUTPUT = 1024 * 1024;

/** What the child prints last on stdout. */
export type CheckOutput = { prepared: PreparedCompletion } | { error: { code: string; message: string; details?: Record<string, unknown> } };

export async function prepareCompletionInChildProcess(p: CompletionOf): Promise<PreparedCompletion> {
  const args = ['models', 'check-staged', '--registration', p.registrationId, '--model', p.model, '--version', p.version, '--user', p.userId];
  const child = spawn(process.execPath, [join(config().root, 'bin', 'segflow.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout = (stdout + d.toString('utf8')).slice(-KEEP_OUTPUT);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-KEEP_OUTPUT);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHECK_LIMIT_MS);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => clearTimeout(timer));

  const last = stdout.trim().split('\n').at(-1) ?? '';
  let out: CheckOutput | undefined;
  try {
    out = JSON.parse(last) as CheckOutput;
  } catch {
    out = undefined;
  }
  if (out && 'prepared' in out && exit.code === 0) return out.prepared;
  if (out && 'error' in out && out.error.code in STATUS && out.error.code !== 'internal') {
    throw new AppError(out.error.code as AppErrorCode, out.error.message, out.error.details);
  }
  const how = exit.signal
    ? `was stopped (${exit.signal}${exit.signal === 'SIGKILL' ? `, over ${CHECK_LIMIT_MS / 60_000} min?` : ''})`
    : `exited with ${exit.code}`;
  throw new Error(`the checks of registration ${p.registrationId} ${how}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
}
