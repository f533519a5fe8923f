import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config } from '@/lib/config';
import { ZStepResult, type TStepInvocation, type TStepResult } from '@/lib/pipeline/step-contract';

/** The CLI the step runs in: the same `segflow step` the worker image runs under Argo. */
function segflowBin(): string {
  return join(config().root, 'bin', 'segflow.mjs');
}

/**
 * Runs one step as a child process of this machine: the invocation goes in a private temp file,
 * the result comes back in another (written atomically by the child). Secrets go in the child's
 * environment only. A step that exits non-zero fails with the error it printed (its last stderr
 * line is `{ "error": … }`), or its exit code.
 */
export async function spawnStep(inv: TStepInvocation, p: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<TStepResult> {
  const dir = await mkdtemp(join(tmpdir(), 'segflow-step-'));
  try {
    const invPath = join(dir, 'invocation.json');
    const resultPath = join(dir, 'result.json');
    await writeFile(invPath, JSON.stringify(inv), { mode: 0o600 });
    const stderr: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [segflowBin(), 'step', invPath, '--result', resultPath], {
        env: { ...process.env, ...p.env },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: p.timeoutMs ?? 30 * 60_000,
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderr.push(chunk);
        if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) {
      const lines = stderr.join('').trim().split('\n');
      let message = `exited with ${code ?? 'a signal (timeout?)'}`;
      for (const line of lines.reverse()) {
        try {
          const parsed = JSON.parse(line) as { error?: string };
          if (parsed.error) {
            message = parsed.error;
            break;
          }
        } catch {
          // not the JSON error line
        }
      }
      throw new Error(message);
    }
    return ZStepResult.parse(JSON.parse(await readFile(resultPath, 'utf8')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
