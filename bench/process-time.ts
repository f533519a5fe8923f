/**
 * Whole-process timings for the CLI benches: wall time of a child process, and the CPU time it used
 * (user + system, from this process's waited-for children in /proc/self/stat: Linux only, 10 ms
 * ticks), so a loaded machine shows up as wall time without hiding what the process itself cost.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const TICKS_PER_S = 100;

/** CPU seconds used so far by this process's finished children (cutime + cstime). */
function childrenCpuS(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state is field 3, cutime field 16, cstime field 17 (1-based)
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

export interface ProcessRun {
  wallMs: number;
  cpuMs: number;
  stdout: string;
}

/** Runs `command args` to completion; throws with its stderr when it exits non-zero (unless allowed). */
export function timeProcess(command: string, args: string[], opts: SpawnSyncOptions & { allowExit?: number[] } = {}): ProcessRun {
  const cpu0 = childrenCpuS();
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  const wallMs = performance.now() - t0;
  const cpuMs = (childrenCpuS() - cpu0) * 1000;
  if (r.error) throw r.error;
  if (r.status !== 0 && !(opts.allowExit ?? []).includes(r.status ?? -1)) {
    throw new Error(`${command} ${args.join(' ')}: exit ${r.status}: ${String(r.stderr).slice(-2000)}`);
  }
  return { wallMs, cpuMs, stdout: String(r.stdout) };
}

/** Medians of wall and CPU time over rounds in which every case runs once, in turn (load hits all alike). */
export function interleavedMedians<K extends string>(rounds: number, cases: Record<K, () => ProcessRun>): Record<K, { wallMs: number; cpuMs: number }> {
  const runs = {} as Record<K, ProcessRun[]>;
  for (const k of Object.keys(cases) as K[]) runs[k] = [];
  for (let i = 0; i < rounds; i++) for (const k of Object.keys(cases) as K[]) runs[k].push(cases[k]());
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = {} as Record<K, { wallMs: number; cpuMs: number }>;
  for (const k of Object.keys(cases) as K[]) out[k] = { wallMs: median(runs[k].map((r) => r.wallMs)), cpuMs: median(runs[k].map((r) => r.cpuMs)) };
  return out;
}

/** The machine's 1-minute load average and core count, for the note beside the numbers. */
export function loadNote(): string {
  return `load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`;
}
