/**
 * Seeded mutations of real series (one file truncated, bytes flipped, a length field overwritten,
 * bytes cut out, or a tag the conversion needs removed) through seriesToVolume, as `segflow
 * convert` and the convert step call it: every refusal is an AppError naming the file or series
 * and the problem in DICOM terms; no library text ("Cannot read properties of undefined",
 * "Request more than currently allocated buffer", a RangeError…) reaches the user.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/errors';
import { seededRandom } from '@/lib/util/seeded-random';
import { seriesToVolume } from './series-to-volume';
import { dicomFiles } from './test-fixtures';

const SERIES = [
  'dicom/series/dcmqi-ct-3slice-liver-seg/ct',
  'dicom/series/dicom2nifti/generic/compressed_j2k',
  'dicom/series/dicom2nifti/generic/compressed_jpeg',
  'dicom/series/dicom2nifti/generic/compressed_jpegls',
  'dicom/series/dicom2nifti/generic/compressed_rle',
  'dicom/series/dicom2nifti/generic/anatomical',
];

// tags the conversion reads: Rows, Columns, BitsAllocated, PixelRepresentation, SamplesPerPixel,
// ImagePositionPatient, ImageOrientationPatient, PixelSpacing, SeriesInstanceUID, TransferSyntaxUID, PixelData
const NEEDED: [number, number][] = [
  [0x0028, 0x0010],
  [0x0028, 0x0011],
  [0x0028, 0x0100],
  [0x0028, 0x0103],
  [0x0028, 0x0002],
  [0x0020, 0x0032],
  [0x0020, 0x0037],
  [0x0028, 0x0030],
  [0x0020, 0x000e],
  [0x0002, 0x0010],
  [0x7fe0, 0x0010],
];

/** Library wording that must never be the user's answer. */
// ("undefined length" is DICOM's own term and allowed)
const LIBRARY_TEXT =
  /Cannot read prop|allocated buffer|of undefined|is undefined|of null|is not a function|is not iterable|RangeError|TypeError|out of (bounds|range)|Offset is outside|Invalid (typed )?array|NaN|Maximum call stack|\bat \w+ \(/i;

function removeTag(b: Uint8Array, [group, element]: [number, number]): Uint8Array {
  const out = new Uint8Array(b);
  // the element's tag turned into a private one: the reader no longer sees it
  for (let i = 132; i + 4 <= out.length; i += 2) {
    if (out[i] === (group & 0xff) && out[i + 1] === group >> 8 && out[i + 2] === (element & 0xff) && out[i + 3] === element >> 8) {
      out[i] = 0x09;
      out[i + 1] = 0x00;
      return out;
    }
  }
  return out;
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = new Uint8Array(src);
  const at = () => Math.floor(rnd() * (rnd() < 0.6 ? Math.min(b.length, 2048) : b.length));
  switch (Math.floor(rnd() * 5)) {
    case 0:
      return b.subarray(0, at());
    case 1:
      for (let i = 0, n = 1 + Math.floor(rnd() * 8); i < n; i++) b[at()] = Math.floor(rnd() * 256);
      return b;
    case 2: {
      const p = at() & ~1;
      const v = [0xffffffff, 0x7fffffff, 0, 1, Math.floor(rnd() * 0x10000), b.length][Math.floor(rnd() * 6)];
      new DataView(b.buffer).setUint32(Math.min(p, b.length - 4), v >>> 0, true);
      return b;
    }
    case 3: {
      const p = at();
      return new Uint8Array([...b.subarray(0, p), ...b.subarray(p + 1 + Math.floor(rnd() * 16))]);
    }
    default:
      return removeTag(b, NEEDED[Math.floor(rnd() * NEEDED.length)]);
  }
}

describe('seeded mutation of real series through seriesToVolume', () => {
  const perSeries = 25;

  it(`${perSeries} mutations × ${SERIES.length} series: a volume or a refusal in DICOM terms, never library text`, { timeout: 240_000 }, async () => {
    const rnd = seededRandom(20261202);
    const leaks: string[] = [];
    let refusals = 0;
    let volumes = 0;
    for (const dir of SERIES) {
      const files = dicomFiles(dir).map((f) => ({ name: basename(f), bytes: new Uint8Array(readFileSync(f)) }));
      for (let i = 0; i < perSeries; i++) {
        const victim = Math.floor(rnd() * files.length);
        const mutated = files.map((f, j) => (j === victim ? { name: f.name, bytes: mutate(f.bytes, rnd) } : f));
        try {
          await seriesToVolume(mutated, `${basename(dir)}#${i}`);
          volumes++;
        } catch (err) {
          refusals++;
          const message = err instanceof Error ? err.message : String(err);
          const named = message.startsWith(`series ${basename(dir)}#${i}: `) || message.startsWith(`${files[victim].name}: `);
          if (!isAppError(err) || err.details?.unexpected || !named || LIBRARY_TEXT.test(message))
            leaks.push(`${basename(dir)}#${i} ${files[victim].name}: ${message}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(refusals).toBeGreaterThan(40);
    expect(volumes).toBeGreaterThan(5);
  });
});
