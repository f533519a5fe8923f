/**
 * The `segflow` command as users and the executors meet it, whole processes, measured in the same
 * run against `node -e 0` (Node's own start-up, the floor) and interleaved round by round:
 * - `segflow --help` (goal: ≤ 6× `node -e 0`, about 0.5 s);
 * - a pipeline step process start-up: `segflow step` as the local executor spawns it, up to the point
 *   where it reads its invocation (then it exits 2 on a missing file): what every step pays before
 *   its own handler's modules (workers/run-step.ts loads only the step that runs);
 * - the same two through tsx (SEGFLOW_TSX=1: TypeScript compiled at every start, what
 *   bin/segflow.mjs did before the prebuilt bundle), for the before/after in one run.
 * Wall time is the goal; CPU time (user + system of the child) is printed beside it, since on a
 * loaded machine wall time also measures the neighbours.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCliBuild } from '../bin/build-cli.mjs';
import type { BenchLine } from './harness';
import { interleavedMedians, loadNote, timeProcess } from './process-time';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'segflow.mjs');
const ROUNDS = 9;

export async function run(): Promise<BenchLine[]> {
  await ensureCliBuild(ROOT); // built before timing: a stale bundle would time esbuild
  const missing = join(ROOT, '.build', 'no-such-invocation.json');
  const node =
    (args: string[], env: Record<string, string> = {}, allowExit: number[] = []) =>
    () =>
      timeProcess(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, allowExit });
  const m = interleavedMedians(ROUNDS, {
    floor: node(['-e', '0']),
    help: node([BIN, '--help']),
    step: node([BIN, 'step', missing], {}, [2]),
    helpTsx: node([BIN, '--help'], { SEGFLOW_TSX: '1' }),
    stepTsx: node([BIN, 'step', missing], { SEGFLOW_TSX: '1' }, [2]),
  });
  const cpu = (k: keyof typeof m) => `${Math.round(m[k].cpuMs)} ms CPU`;
  const note = `${ROUNDS} rounds, medians, ${loadNote()}`;
  return [
    {
      name: `segflow --help, whole process (${cpu('help')}; node -e 0: ${Math.round(m.floor.wallMs)} ms wall, ${cpu('floor')}; ${note})`,
      value: m.help.wallMs,
      unit: 'ms',
      ratios: [
        { against: 'node -e 0 (wall)', ratio: m.help.wallMs / m.floor.wallMs, target: '<= 6' },
        { against: 'node -e 0 (CPU)', ratio: m.help.cpuMs / Math.max(m.floor.cpuMs, 10) },
        { against: 'the tsx path, SEGFLOW_TSX=1 (wall)', ratio: m.help.wallMs / m.helpTsx.wallMs },
      ],
    },
    {
      name: `segflow step process start-up, up to reading its invocation (${cpu('step')}; tsx path: ${Math.round(m.stepTsx.wallMs)} ms wall, ${cpu('stepTsx')})`,
      value: m.step.wallMs,
      unit: 'ms',
      ratios: [
        { against: 'node -e 0 (wall)', ratio: m.step.wallMs / m.floor.wallMs },
        { against: 'the tsx path, SEGFLOW_TSX=1 (wall)', ratio: m.step.wallMs / m.stepTsx.wallMs },
      ],
    },
  ];
}
