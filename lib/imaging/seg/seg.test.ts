import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../errors';
import { seriesToVolume } from '../dicom/series-to-volume';
import { readSeg } from './read-seg';
import { writeSeg } from './write-seg';

const DIR = fileURLToPath(new URL('../../../fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/', import.meta.url));
const ct = readdirSync(join(DIR, 'ct')).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(DIR, 'ct', name))) }));
const liverSeg = new Uint8Array(readFileSync(join(DIR, 'liver_seg.dcm')));

/** The dcmqi NRRD: LPS, +x/+y/+z directions, the same voxel layout as our labelmap on this CT. */
function readLiverNrrd(): Int16Array {
  const raw = readFileSync(join(DIR, 'liver_seg.nrrd'));
  const end = raw.indexOf('\n\n');
  const header = raw.subarray(0, end).toString('latin1');
  expect(header).toMatch(/sizes: 512 512 3/);
  expect(header).toMatch(/encoding: gzip/);
  const data = gunzipSync(new Uint8Array(raw.subarray(end + 2)));
  return new Int16Array(data.buffer, data.byteOffset, data.byteLength / 2);
}

describe('readSeg', () => {
  it("reads the dcmqi liver SEG onto the CT grid, voxel-identical to dcmqi's NRRD", () => {
    const { labelmap, segments } = readSeg(liverSeg, ct, 'liver_seg.dcm');
    expect(labelmap.dims).toEqual([512, 512, 3]);
    expect(segments).toHaveLength(1);
    expect(segments[0]).toMatchObject({ number: 1, label: 'Liver', type: { value: 'T-62000', meaning: 'Liver' } });
    const nrrd = readLiverNrrd();
    let count = 0;
    let diff = 0;
    for (let i = 0; i < nrrd.length; i++) {
      if (labelmap.data[i]) count++;
      if ((labelmap.data[i] ? 1 : 0) !== (nrrd[i] ? 1 : 0)) diff++;
    }
    expect(count).toBeGreaterThan(100_000);
    expect(diff).toBe(0);
  });

  it('without the source, rebuilds the same grid from the SEG itself', () => {
    const withSource = readSeg(liverSeg, ct).labelmap;
    const alone = readSeg(liverSeg).labelmap;
    expect(alone.dims).toEqual(withSource.dims);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(Math.abs(alone.affine[r][c] - withSource.affine[r][c])).toBeLessThan(1e-4);
    expect(Buffer.from(alone.data.buffer).equals(Buffer.from(withSource.data.buffer))).toBe(true);
  });

  it('refuses a non-SEG object with a message naming the file', () => {
    expect(() => readSeg(ct[0].bytes, undefined, '01.dcm')).toThrow(/01\.dcm: not a DICOM Segmentation/);
  });
});

// biome-ignore lint/correctness/usePlaywrightValidDescribeCallback: vitest, whose describe may be async
describe('writeSeg', async () => {
  const ctVolume = await seriesToVolume(ct);
  // Two labels: the dcmqi liver, and a box of "label 3" that overlaps nothing.
  const liver = readSeg(liverSeg, ct).labelmap;
  const labelmap = { ...ctVolume, data: new Uint8Array(liver.data) };
  for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) labelmap.data[x + 512 * (y + 512 * 1)] = 3;
  const labels = [
    { value: 1, name: 'Liver', color: [221, 130, 101] as [number, number, number] },
    { value: 3, name: 'Box', color: [0, 255, 0] as [number, number, number] },
  ];

  it('writes a SEG that dciodvfy accepts without errors', () => {
    const out = writeSeg({ labelmap, source: ct, labels });
    const dir = mkdtempSync(join(tmpdir(), 'segflow-seg-'));
    writeFileSync(join(dir, 'seg.dcm'), out);
    const res = spawnSync('dciodvfy', [join(dir, 'seg.dcm')], { encoding: 'utf8' });
    expect(res.error).toBeUndefined();
    const text = `${res.stdout}${res.stderr}`;
    expect(text).toMatch(/Segmentation/);
    expect(text.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
  });

  it('reads back (with dcmjs, then readSeg) to the same labelmap and segment descriptions', () => {
    const out = writeSeg({ labelmap, source: ct, labels });
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(out.buffer as ArrayBuffer).dict);
    expect(ds.Modality).toBe('SEG');
    expect(ds.SegmentationType).toBe('BINARY');
    expect(ds.NumberOfFrames).toBe(4); // liver on 3 slices + box on 1
    const refs = (ds.ReferencedSeriesSequence as { ReferencedInstanceSequence: unknown[] }[])[0].ReferencedInstanceSequence;
    expect(refs).toHaveLength(3);
    const back = readSeg(out, ct);
    expect(back.segments.map((s) => [s.number, s.label, s.color])).toEqual([
      [1, 'Liver', [221, 130, 101]],
      [2, 'Box', [0, 255, 0]],
    ]);
    // Segment numbers are 1..n in label order; map back to label values.
    let diff = 0;
    for (let i = 0; i < labelmap.data.length; i++) if ([0, 1, 3][back.labelmap.data[i]] !== labelmap.data[i]) diff++;
    expect(diff).toBe(0);
  });

  it('is deterministic: UIDs derive from the inputs, output bytes are identical', () => {
    const a = writeSeg({ labelmap, source: ct, labels });
    const b = writeSeg({ labelmap: { ...labelmap, data: labelmap.data.slice() }, source: ct, labels });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const changed = labelmap.data.slice();
    changed[0] = 1;
    const c = writeSeg({ labelmap: { ...labelmap, data: changed }, source: ct, labels });
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('refuses a labelmap that is not on the source grid', () => {
    const wrong = { ...labelmap, dims: [512, 512, 2] as [number, number, number], data: labelmap.data.subarray(0, 512 * 512 * 2) };
    try {
      writeSeg({ labelmap: wrong, source: ct, labels });
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).code).toBe('invalid_input');
      expect((err as AppError).message).toMatch(/not on the grid of series/);
    }
  });
});
