/**
 * De-identification throughput in-process on the 30-slice CT series (512×512, ~527 KB each), one
 * core, files read from disk and written to a temporary directory (as `segflow deidentify` does; the
 * whole-process line is deid-cli.bench.ts). Each timing window covers `PASSES` passes over the series
 * (300 instances, hundreds of ms: long enough that a timer tick or a scheduler slice does not decide
 * it). Baselines in the same run, interleaved window by window: the floor — reading and writing the
 * same files unchanged (what any de-identifier that writes files pays) — and dcmjs read + write of
 * the unchanged dataset (the obvious way). The load average is printed with the numbers.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { deidentifyInstanceParts } from '../lib/imaging/dicom/deidentify-instance';
import type { BenchLine } from './harness';
import { loadNote } from './process-time';

const dir = fileURLToPath(new URL('../fixtures/dicom/series/tcia-lung-pet-ct-dx-ct/', import.meta.url));
const PASSES = 10;
const WINDOWS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchLine[]> {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort();
  const out = mkdtempSync(join(tmpdir(), 'segflow-bench-deid-'));
  const n = names.length * PASSES;
  let sink = 0;
  const passes = (each: (bytes: Buffer, name: string) => Uint8Array | readonly Uint8Array[]) => () => {
    for (let p = 0; p < PASSES; p++) {
      for (const name of names) {
        const written = each(readFileSync(join(dir, name)), name);
        const target = join(out, name);
        if (Array.isArray(written)) {
          writeFileSync(target, Buffer.concat(written as Uint8Array[]));
        } else writeFileSync(target, written as Uint8Array);
        sink++;
      }
    }
  };
  const cases = {
    deid: passes((bytes, name) => {
      const r = deidentifyInstanceParts(bytes, name, { secret: 'bench-secret' });
      if (r.status !== 'written') throw new Error(`${name}: ${r.status}`);
      return r.parts;
    }),
    floor: passes((bytes) => bytes),
    dcmjs: passes(
      (bytes) =>
        new Uint8Array(dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).write()),
    ),
  };
  const ms: Record<keyof typeof cases, number[]> = { deid: [], floor: [], dcmjs: [] };
  try {
    for (const f of Object.values(cases)) f(); // warm-up window of each
    for (let w = 0; w < WINDOWS; w++) {
      for (const k of Object.keys(cases) as (keyof typeof cases)[]) {
        // dcmjs is ~10× slower: fewer of its windows keep the bench short, its median is still of 3
        if (k === 'dcmjs' && w >= 3) continue;
        const t0 = performance.now();
        cases[k]();
        ms[k].push(performance.now() - t0);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (sink === 0) throw new Error('nothing was written');
  const perSecond = (xs: number[]) => (n * 1000) / median(xs);
  const round = (xs: number[]) => xs.map(Math.round).join('/');
  process.stderr.write(`deid bench: ${n} instances per window; deid=${round(ms.deid)} floor=${round(ms.floor)} dcmjs=${round(ms.dcmjs)} ms; ${loadNote()}\n`);
  return [
    {
      name: `deidentify CT series in-process, files read and written (${n} instances per window)`,
      value: perSecond(ms.deid),
      unit: 'instances/s',
      ratios: [
        { against: 'the floor: reading and writing the same files unchanged', ratio: perSecond(ms.deid) / perSecond(ms.floor) },
        { against: 'dcmjs read+write unchanged', ratio: perSecond(ms.deid) / perSecond(ms.dcmjs), target: '>= 4.5 (1000/s vs ~220/s)' },
      ],
    },
  ];
}
