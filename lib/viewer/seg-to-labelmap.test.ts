/**
 * The viewer's SEG → labelmap against the pipeline's own writer: the SEG the infer step writes
 * (lib/imaging/seg/write-seg.ts) read back onto the series in the viewer's slice order gives, voxel
 * for voxel, the NIfTI mask the same step writes (lib/imaging/nifti/write-nifti.ts) of that labelmap.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seriesToVolume } from '../imaging/dicom/series-to-volume';
import { readNifti } from '../imaging/nifti/read-nifti';
import { writeNifti } from '../imaging/nifti/write-nifti';
import { readSeg } from '../imaging/seg/read-seg';
import { readSourceGeometry } from '../imaging/seg/source-geometry';
import { writeSeg } from '../imaging/seg/write-seg';
import { segToLabelmap, type SegSourceSlice } from './seg-to-labelmap';

const DIR = fileURLToPath(new URL('../../fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/', import.meta.url));
const ct = readdirSync(join(DIR, 'ct')).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(DIR, 'ct', name))) }));
const LABELS = [
  { value: 1, name: 'Liver', color: [221, 130, 101] as [number, number, number] },
  { value: 3, name: 'Box', color: [0, 160, 0] as [number, number, number] },
];
const buf = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

// biome-ignore lint/correctness/usePlaywrightValidDescribeCallback: vitest, whose describe may be async
describe('segToLabelmap', async () => {
  const volume = await seriesToVolume(ct);
  const labelmap = { ...volume, data: new Uint8Array(readSeg(new Uint8Array(readFileSync(join(DIR, 'liver_seg.dcm'))), ct).labelmap.data) };
  for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) labelmap.data[x + 512 * (y + 512 * 1)] = 3;
  const seg = writeSeg({ labelmap, source: ct, labels: LABELS });
  const mask = readNifti(writeNifti(labelmap, { gzip: true, intent: 'label' })).data;
  const sorted = readSourceGeometry(ct).sorted;
  const perSlice = 512 * 512;
  // the viewer's order is its own: here the series upside down
  const viewerOrder: SegSourceSlice[] = [...sorted].reverse().map((s) => ({ sopInstanceUid: s.sopInstanceUid, position: s.position! }));

  const expectSameAsMask = (out: Uint8Array, order: SegSourceSlice[]) => {
    expect(out.length).toBe(mask.length);
    let labelled = 0;
    let differing = 0;
    order.forEach((s, k) => {
      const n = sorted.findIndex((x) => x.sopInstanceUid === s.sopInstanceUid || x.position === s.position);
      for (let i = 0; i < perSlice; i++) {
        if (out[k * perSlice + i]) labelled++;
        if (out[k * perSlice + i] !== mask[n * perSlice + i]) differing++;
      }
    });
    expect(labelled).toBeGreaterThan(100_000);
    expect(differing).toBe(0);
  };

  it("places every frame on its referenced instance: voxel-identical to the pipeline's NIfTI mask, both labels", () => {
    const out = segToLabelmap({ bytes: buf(seg), rows: 512, columns: 512, slices: viewerOrder, labels: LABELS });
    expectSameAsMask(out, viewerOrder);
    expect(new Set(out)).toEqual(new Set([0, 1, 3]));
  });

  it('falls back to the plane positions where the instances are not the ones referenced', () => {
    const renamed = viewerOrder.map((s, k) => ({ sopInstanceUid: `2.25.${k}`, position: s.position }));
    const out = segToLabelmap({ bytes: buf(seg), rows: 512, columns: 512, slices: renamed, labels: LABELS });
    const mapped = renamed.map((s, k) => ({ ...s, sopInstanceUid: viewerOrder[k].sopInstanceUid }));
    expectSameAsMask(out, mapped);
  });

  it('maps segments by name to the label table it is drawn with', () => {
    const out = segToLabelmap({
      bytes: buf(seg),
      rows: 512,
      columns: 512,
      slices: viewerOrder,
      labels: [
        { value: 7, name: 'box' },
        { value: 5, name: 'LIVER' },
      ],
    });
    expect(new Set(out)).toEqual(new Set([0, 5, 7]));
  });

  it('refuses what it cannot place, naming the problem', () => {
    const args = { rows: 512, columns: 512, slices: viewerOrder, labels: LABELS, what: 'SEG of infer-serving' };
    expect(() => segToLabelmap({ ...args, bytes: buf(ct[0].bytes) })).toThrow(/SEG of infer-serving is not a DICOM Segmentation/);
    expect(() => segToLabelmap({ ...args, bytes: buf(seg), rows: 256 })).toThrow(/has 512×512 frames but the series' images are 512×256/);
    const elsewhere = viewerOrder.map((s, k) => ({ sopInstanceUid: `2.25.${k}`, position: [s.position[0], s.position[1], s.position[2] + 500] }));
    expect(() => segToLabelmap({ ...args, bytes: buf(seg), slices: elsewhere })).toThrow(/frame 1 lies on no image of the series/);
    expect(() => segToLabelmap({ ...args, bytes: new ArrayBuffer(10) })).toThrow(/is not a readable DICOM file/);
  });
});
