/**
 * Seeded mutations of real files (truncations, byte flips, length fields overwritten) through both
 * entry points: every failure must be an AppError from an explicit check (not the `unexpected`
 * catch-all), and nothing may hang.
 */
import { seededRandom } from '@/lib/util/seeded-random';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/errors';
import { deidentifyInstance } from './deidentify-instance';
import { readDicomHeader } from './read-dicom-header';
import { dicomFiles } from './test-fixtures';

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = new Uint8Array(src);
  // most structure is in the header: aim three quarters of the mutations at the first 2 KB
  const at = () => Math.floor(rnd() * (rnd() < 0.75 ? Math.min(b.length, 2048) : b.length));
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return b.subarray(0, at());
    case 1:
      for (let i = 0, n = 1 + Math.floor(rnd() * 8); i < n; i++) b[at()] = Math.floor(rnd() * 256);
      return b;
    case 2: {
      // a plausible length field: 2 or 4 bytes right after a tag-like position
      const p = at() & ~1;
      const v = [0xffffffff, 0x7fffffff, 0, 1, Math.floor(rnd() * 0x10000), b.length][Math.floor(rnd() * 6)];
      new DataView(b.buffer).setUint32(Math.min(p, b.length - 4), v >>> 0, true);
      return b;
    }
    default: {
      const p = at();
      return new Uint8Array([...b.subarray(0, p), ...b.subarray(p + 1 + Math.floor(rnd() * 16))]);
    }
  }
}

describe('seeded mutation fuzzing', () => {
  const files = [...dicomFiles('dicom/single'), ...dicomFiles('dicom/series/dcmqi-ct-3slice-liver-seg')].filter((f) => statSync(f).size < 200_000).slice(0, 22);
  const perFile = 60;

  it(`${perFile} mutations × ${files.length} files end in a result or an explicit AppError`, { timeout: 60_000 }, () => {
    const rnd = seededRandom(20240611);
    let errors = 0;
    let results = 0;
    const unexpected: string[] = [];
    for (const f of files) {
      const src = readFileSync(f);
      for (let i = 0; i < perFile; i++) {
        const bytes = mutate(src, rnd);
        const name = `${basename(f)}#${i}`;
        for (const run of [() => readDicomHeader(bytes, name), () => deidentifyInstance(bytes, name, { secret: 's', allowBurnedIn: true })]) {
          try {
            run();
            results++;
          } catch (err) {
            errors++;
            if (!isAppError(err) || err.details?.unexpected || !err.message.startsWith(`${name}: `)) {
              unexpected.push(`${name}: ${(err as Error).message}`);
            }
          }
        }
      }
    }
    expect(unexpected).toEqual([]);
    expect(errors).toBeGreaterThan(100);
    expect(results).toBeGreaterThan(100);
  });
});
