/**
 * De-identification throughput on the 30-slice CT series (512×512, ~527 KB each), one core.
 * Baselines measured in the same run: copying the same bytes (the floor: any de-identifier must at
 * least produce a new buffer), and dcmjs read + write of the unchanged dataset (the obvious way).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { deidentifyInstance } from '../lib/imaging/dicom/deidentify-instance';
import { timeMedian, type BenchLine } from './harness';

const dir = fileURLToPath(new URL('../fixtures/dicom/series/tcia-lung-pet-ct-dx-ct/', import.meta.url));

export async function run(): Promise<BenchLine[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(dir + f)) }));
  const n = files.length;
  let sink = 0;

  const deidMs = await timeMedian(
    () => {
      for (const f of files) {
        const r = deidentifyInstance(f.bytes, f.name, { secret: 'bench-secret' });
        if (r.status === 'written') sink += r.bytes.length;
      }
    },
    7,
    2,
  );
  const copyMs = await timeMedian(
    () => {
      for (const f of files) sink += Buffer.concat([Buffer.from(f.bytes)]).length;
    },
    7,
    2,
  );
  const dcmjsMs = await timeMedian(
    () => {
      for (const f of files) {
        const ab = f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer;
        sink += dcmjs.data.DicomMessage.readFile(ab).write().byteLength;
      }
    },
    3,
    1,
  );
  if (sink === 0) throw new Error('nothing was written');

  const perSecond = (ms: number) => (n * 1000) / ms;
  return [
    {
      name: 'deidentify CT series',
      value: perSecond(deidMs),
      unit: 'instances/s',
      ratios: [
        { against: 'Buffer copy of the same bytes', ratio: perSecond(deidMs) / perSecond(copyMs) },
        { against: 'dcmjs read+write unchanged', ratio: perSecond(deidMs) / perSecond(dcmjsMs), target: '>= 4.5 (1000/s vs ~220/s)' },
      ],
    },
  ];
}
