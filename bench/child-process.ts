import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A bench's service in a process of its own (`node --import tsx bench/<script> '<json>'`): it prints
 * one JSON line once it serves, and closes on SIGTERM. So its work does not share the bench's thread,
 * as `segflow start` runs the embedded store and database apart from the app.
 */
export async function serviceProcess<T>(script: string, arg: unknown): Promise<{ ready: T; close(): Promise<void> }> {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, JSON.stringify(arg)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`the bench's ${script} exited ${code} before it was ready`))),
  ])) as [string];
  return {
    ready: JSON.parse(line) as T,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
