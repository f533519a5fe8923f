/**
 * `segflow deidentify` as a whole process on 300 CT instances (the 30-slice CT series replicated ten
 * times, each replica a new series with new UIDs, made here with dcmjs), one core: instances/s from
 * spawn to exit (reading, de-identifying, writing each file atomically, the JSON summary), against
 * a plain copy of the same files measured in the same run, interleaved round by round: `cp -r` (a
 * whole process too) and Node reading and writing each file (the floor any de-identifier pays).
 * Before each timed process the page cache's dirty pages are written back (`sync`, not timed): each
 * round writes 150 MB and deletes the round before it, and without that the kernel's writeback of one
 * case's files was charged to whichever process ran next (a plain copy then cost 0.11 to 0.45 CPU-s
 * for the same files). No case fsyncs its own output, so each pays for its own writes alike.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { ensureCliBuild } from '../bin/build-cli.mjs';
import type { BenchLine } from './harness';
import { interleavedMedians, loadNote, timeProcess } from './process-time';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERIES = join(ROOT, 'fixtures/dicom/series/tcia-lung-pet-ct-dx-ct');
const REPLICAS = 10;
const ROUNDS = 5;

const newUid = () => `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`).toString()}`;

/** 300 instances: every replica gets a new StudyInstanceUID, SeriesInstanceUID and SOPInstanceUIDs. */
export function writeReplicas(dir: string): number {
  const files = readdirSync(SERIES)
    .filter((f) => f.endsWith('.dcm'))
    .sort();
  let n = 0;
  for (let r = 0; r < REPLICAS; r++) {
    const study = newUid();
    const series = newUid();
    const out = join(dir, `series-${r}`);
    mkdirSync(out, { recursive: true });
    for (const f of files) {
      const b = readFileSync(join(SERIES, f));
      const ds = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      const sop = newUid();
      ds.dict['0020000D'].Value = [study];
      ds.dict['0020000E'].Value = [series];
      ds.dict['00080018'].Value = [sop];
      ds.meta['00020003'].Value = [sop];
      writeFileSync(join(out, f), Buffer.from(ds.write()));
      n++;
    }
  }
  return n;
}

export async function run(): Promise<BenchLine[]> {
  const entry = await ensureCliBuild(ROOT); // built before timing
  const work = mkdtempSync(join(tmpdir(), 'segflow-bench-deid-'));
  try {
    const input = join(work, 'in');
    const n = writeReplicas(input);
    const inputs = readdirSync(input, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    let round = 0;
    const fresh = (name: string) => join(work, `${name}-${round++}`);
    const cleanAfter = <T>(dir: string, f: () => T): T => {
      spawnSync('sync');
      try {
        return f();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const m = interleavedMedians(ROUNDS, {
      deid: () => {
        const out = fresh('deid');
        return cleanAfter(out, () => {
          const r = timeProcess(process.execPath, [join(ROOT, 'bin/segflow.mjs'), 'deidentify', input, '--out', out, '--secret', 'bench-secret'], {
            cwd: ROOT,
          });
          const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { written?: unknown[] };
          if (summary.written?.length !== n) throw new Error(`segflow deidentify wrote ${summary.written?.length} of ${n}`);
          return r;
        });
      },
      cp: () => {
        const out = fresh('cp');
        return cleanAfter(out, () => timeProcess('cp', ['-r', input, out]));
      },
      nodeCopy: () => {
        const out = fresh('node');
        return cleanAfter(out, () => timeProcess(process.execPath, ['--input-type=module', '-e', NODE_COPY, out, ...inputs]));
      },
    });
    const perS = (ms: number) => (n * 1000) / ms;
    return [
      {
        name: `segflow deidentify, whole process, ${n} CT instances (${Math.round(m.deid.wallMs)} ms wall, ${Math.round(m.deid.cpuMs)} ms CPU; cp -r ${Math.round(m.cp.wallMs)} ms; ${ROUNDS} rounds, medians, ${loadNote()}; bundle ${entry.split('/').slice(-2, -1)[0]})`,
        value: perS(m.deid.wallMs),
        unit: 'instances/s',
        ratios: [
          { against: 'goal 1000 instances/s (wall)', ratio: perS(m.deid.wallMs) / 1000, target: '>= 1' },
          { against: 'goal 1000 instances/s per CPU-s', ratio: perS(m.deid.cpuMs) / 1000, target: '>= 1' },
          { against: 'cp -r of the same files (wall)', ratio: perS(m.deid.wallMs) / perS(m.cp.wallMs) },
          { against: 'node read+write of each file, one process (wall)', ratio: perS(m.deid.wallMs) / perS(m.nodeCopy.wallMs) },
        ],
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// The copy floor as its own process: read each input, write it to the output directory.
const NODE_COPY = `
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
const [out, ...files] = process.argv.slice(1);
await mkdir(out, { recursive: true });
let i = 0;
for (const f of files) await writeFile(join(out, (i++) + '-' + basename(f)), await readFile(f));
`;
