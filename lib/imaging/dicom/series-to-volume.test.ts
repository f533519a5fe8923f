import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { readNifti } from '../nifti/read-nifti';
import type { Volume } from '../volume';
import { readSlice } from './group-series';
import { groupSeries, seriesToVolume } from './series-to-volume';
import { computeSeriesGeometry } from './series-to-volume-geometry';

const D2N = fileURLToPath(new URL('../../../fixtures/dicom/series/dicom2nifti/', import.meta.url));
const loadDir = (dir: string) =>
  readdirSync(join(D2N, dir))
    .filter((f) => f.endsWith('.dcm'))
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(D2N, dir, name))) }));
const gt = (file: string) => readNifti(new Uint8Array(readFileSync(join(D2N, file))), file);

/** dicom2nifti ground truths are in the same voxel layout as our output, so compare directly. */
function expectMatchesGroundTruth(vol: Volume, truth: Volume) {
  expect(vol.dims).toEqual(truth.dims);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(Math.abs(vol.affine[r][c] - truth.affine[r][c])).toBeLessThan(1e-4);
  let mismatches = 0;
  let maxRel = 0;
  for (let i = 0; i < truth.data.length; i++) {
    const a = vol.data[i];
    const b = truth.data[i];
    if (Number.isInteger(b)) {
      if (a !== b) mismatches++;
    } else maxRel = Math.max(maxRel, Math.abs(a - b) / Math.max(1, Math.abs(b)));
  }
  expect(mismatches).toBe(0);
  // float ground truths (per-slice rescale) are float64; we keep float32
  expect(maxRel).toBeLessThan(1e-6);
}

describe('seriesToVolume against dicom2nifti ground truths', () => {
  it('anatomical/001 (uint16 MR, slices in reverse file order)', async () => {
    const vol = await seriesToVolume(loadDir('generic/anatomical/001'));
    expect(vol.data.constructor.name).toBe('Uint16Array');
    expectMatchesGroundTruth(vol, gt('generic/anatomical/001_ground_truth.nii.gz'));
  });

  it('anatomical/002_non_isotropic (oblique, per-slice fractional rescale)', async () => {
    const vol = await seriesToVolume(loadDir('generic/anatomical/002_non_isotropic'));
    expect(vol.data.constructor.name).toBe('Float32Array');
    expectMatchesGroundTruth(vol, gt('generic/anatomical/002_non_isotropic_ground_truth.nii.gz'));
  });

  for (const kind of ['jpeg', 'jpegls', 'j2k', 'rle']) {
    it(`compressed_${kind}/001 decodes to the shared ground truth`, async () => {
      const vol = await seriesToVolume(loadDir(`generic/compressed_${kind}/001`));
      expectMatchesGroundTruth(vol, gt('generic/compressed_jpeg/001_ground_truth.nii.gz'));
    });
  }

  it('failing/slicecount/001: two slices still make a volume (dicom2nifti gives a ground truth)', async () => {
    const vol = await seriesToVolume(loadDir('failing/slicecount/001'));
    expectMatchesGroundTruth(vol, gt('failing/slicecount/001_ground_truth.nii.gz'));
  });
});

async function expectAppError(p: Promise<unknown>, code: string, pattern: RegExp) {
  try {
    await p;
    expect.unreachable('conversion should have failed');
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    expect((err as AppError).message).toMatch(pattern);
  }
}

describe('seriesToVolume refuses inconsistent series with a clear message', () => {
  it('RGB series are unsupported (segmentation models take greyscale)', async () => {
    await expectAppError(seriesToVolume(loadDir('generic/rgb/001'), 'rgb/001'), 'unsupported', /^series rgb\/001: .*colour \(RGB, 3 samples/);
  });

  it('a missing slice in a tilted stack is named as the gap it is, not as a tilt (failing/sliceincrement/002)', async () => {
    await expectAppError(
      seriesToVolume(loadDir('failing/sliceincrement/002'), 'sliceincrement/002'),
      'malformed_file',
      /^series sliceincrement\/002: a gap in slice positions: 1\.50 mm between IM-0001-0003\.dcm and IM-0001-0005\.dcm \(slice positions -133\.75 mm and -132\.25 mm along the slice normal\), where the other slices are 0\.75 mm apart; 1 slice is missing there/,
    );
  });

  it('a tilted stack without a gap is refused as a gantry tilt', async () => {
    const files = loadDir('failing/sliceincrement/002').filter((f) => !f.name.includes('0005'));
    await expectAppError(seriesToVolume(files, 'tilt'), 'unsupported', /^series tilt: gantry tilt .*15\.\d°/);
  });

  it('missing slices without tilt: where and how many', async () => {
    const files = loadDir('generic/anatomical/001').filter((f) => !f.name.includes('0002-0001'));
    await expectAppError(seriesToVolume(files, 'gap'), 'malformed_file', /^series gap: a gap in slice positions: .* 1 slice is missing there/);
  });

  it('spacing that is no whole multiple is irregular, not a gap', () => {
    const slices = loadDir('generic/anatomical/001').map(readSlice);
    const [a, b] = slices.slice(-2).map((x) => x.position!);
    // the last slice moved 1.4 steps on instead of 1
    slices.at(-1)!.position = a.map((v, i) => v + (b[i] - v) * 1.4);
    expect(() => computeSeriesGeometry(slices, 'odd')).toThrow(/^series odd: irregular slice spacing: .* where the other slices are/);
  });

  it('two orientations in one series (failing/sliceorientation/001)', async () => {
    const files = loadDir('failing/sliceorientation/001');
    await expectAppError(seriesToVolume(files, 'sliceorientation/001'), 'malformed_file', /sliceorientation\/001: mixed slice orientations/);
    const groups = groupSeries(files);
    expect(groups).toHaveLength(2);
    expect(groups.map((g) => g.slices.length)).toEqual([2, 2]);
  });

  it('all slices at one position, a single slice, and non-DICOM bytes', async () => {
    const one = loadDir('generic/anatomical/001')[0];
    await expectAppError(seriesToVolume([one, { ...one, name: 'copy.dcm' }], 's'), 'malformed_file', /all 2 slices are at one position/);
    await expectAppError(seriesToVolume([one], 's'), 'invalid_input', /only 1 image\(s\)/);
    await expectAppError(seriesToVolume([{ name: 'junk.dcm', bytes: new Uint8Array(300) }], 's'), 'malformed_file', /junk\.dcm: not a DICOM file/);
  });

  it('truncated pixel data names the file', async () => {
    const files = loadDir('generic/anatomical/001');
    files[1] = { name: files[1].name, bytes: files[1].bytes.subarray(0, files[1].bytes.length - 1000) };
    await expectAppError(seriesToVolume(files, 's'), 'malformed_file', new RegExp(files[1].name.replace(/\./g, '\\.')));
  });
});
