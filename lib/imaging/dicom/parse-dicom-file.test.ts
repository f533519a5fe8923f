import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AppError, isAppError } from '@/lib/errors';
import { deidentifyInstance } from './deidentify-instance';
import { parseDicomFile } from './parse-dicom-file';
import { readDicom } from './read-dicom';
import { readDicomHeader } from './read-dicom-header';
import { FIXTURES, dicomFiles } from './test-fixtures';

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (isAppError(err)) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const pydicom = `${FIXTURES}dicom/single/pydicom/`;

describe('malformed files', () => {
  // JPEG2000-embedded-sequence-delimiter.dcm is structurally valid DICOM: the delimiter bytes sit
  // inside a fragment whose length is right, only the JPEG 2000 codestream is broken. We never
  // decode pixels, so it parses and is passed through unchanged; see the last test.
  const broken = dicomFiles('dicom/malformed').filter((f) => !f.includes('embedded-sequence-delimiter'));
  const expected: Record<string, RegExp> = {
    // cut off: said in plain words, with the element for experts
    'MR_truncated.dcm': /^MR_truncated\.dcm: the file ends early — it is cut off at byte \d+, inside \(7FE0,0010\) PixelData; use the complete file$/,
    'rtplan_truncated.dcm':
      /^rtplan_truncated\.dcm: the file ends early — it is cut off at byte \d+, inside \([0-9A-F]{4},[0-9A-F]{4}\) \w+; use the complete file$/,
    'badVR.dcm': /NumberOfFrames \(0028,0008\) is not a valid number: "1A"/,
    'meta_missing_tsyntax.dcm': /no Transfer Syntax UID \(0002,0010\)/,
    'no_meta.dcm': /not a DICOM file/,
    'no_meta_group_length.dcm': /does not start with its group length \(0002,0000\)/,
  };

  it.each(broken.map((f) => [basename(f), f]))('%s gives an AppError naming the file and the problem', (name, f) => {
    const bytes = readFileSync(f);
    for (const run of [() => readDicomHeader(bytes, name), () => deidentifyInstance(bytes, name, { secret: 's' }), () => readDicom(bytes, name)]) {
      const err = appError(run);
      expect(err.code).toBe('malformed_file');
      expect(err.message.startsWith(`${name}: `)).toBe(true);
      expect(err.message).toMatch(expected[name]);
    }
  });

  it('a file cut off before a value ends says so in plain words, with the byte it stops at and the element', () => {
    const whole = readFileSync(`${FIXTURES}dicom/series/tcia-brain-tumor-progression-mr/1-01.dcm`);
    const cut = whole.subarray(0, 3000);
    for (const run of [() => readDicomHeader(cut, 'truncated.dcm'), () => readDicom(cut, 'truncated.dcm')]) {
      expect(appError(run).message).toBe(
        'truncated.dcm: the file ends early — it is cut off at byte 3000, inside (0020,0037) ImageOrientationPatient; use the complete file',
      );
    }
    // the whole file reads
    expect(readDicomHeader(whole, '1-01.dcm').imageOrientationPatient).toHaveLength(6);
  });

  it('reads a header from the first part of a large file whose pixel data goes on past it, and still knows a cut-off one', () => {
    // the upload indexes a stored object from its first 16 MiB: a whole 40 MiB image is not "cut off"
    const whole = readFileSync(`${FIXTURES}dicom/series/tcia-lung-pet-ct-dx-ct/1-01.dcm`);
    const head = whole.subarray(0, 100_000);
    expect(readDicomHeader(head, 'big.dcm', { fileSize: whole.length }).rows).toBe(512);
    expect(appError(() => readDicomHeader(head, 'big.dcm')).message).toMatch(
      /^big\.dcm: the file ends early — it is cut off at byte 100000, inside \(7FE0,0010\)/,
    );
    // a file really cut off: its size, not the head's, is where it stops
    expect(appError(() => readDicomHeader(head, 'cut.dcm', { fileSize: 200_000 })).message).toMatch(
      /^cut\.dcm: the file ends early — it is cut off at byte 200000, inside \(7FE0,0010\) PixelData; use the complete file$/,
    );
  });

  it('passes the broken JPEG 2000 codestream through byte for byte', () => {
    const f = dicomFiles('dicom/malformed').find((x) => x.includes('embedded-sequence-delimiter'))!;
    const input = readFileSync(f);
    const r = deidentifyInstance(input, basename(f), { secret: 's', allowBurnedIn: true });
    expect(r.status).toBe('written');
    const px = (b: Uint8Array) => {
      const p = parseDicomFile(b, 'x');
      const el = p.elements.find((e) => e.tag === 0x7fe00010)!;
      expect(el.fragments).toBe(2);
      return Buffer.from(p.body.subarray(el.valueStart, el.end));
    };
    expect(px(r.status === 'written' ? r.bytes : new Uint8Array()).equals(px(input))).toBe(true);
  });
});

describe('limits', () => {
  it('rejects sequences nested deeper than maxDepth', () => {
    const f = `${pydicom}nested_priv_SQ.dcm`;
    expect(parseDicomFile(readFileSync(f), f).elements.length).toBeGreaterThan(0);
    const err = appError(() => parseDicomFile(readFileSync(f), 'nested_priv_SQ.dcm', { limits: { maxDepth: 1 } }));
    expect(err.message).toMatch(/^nested_priv_SQ\.dcm: sequences nested deeper than 1/);
  });

  it('caps the inflated size of deflated datasets and the file size', () => {
    const f = `${pydicom}image_dfl.dcm`;
    const bytes = readFileSync(f);
    expect(appError(() => parseDicomFile(bytes, 'image_dfl.dcm', { limits: { maxDecodedBytes: bytes.length + 10 } })).code).toBe('too_large');
    expect(appError(() => parseDicomFile(bytes, 'image_dfl.dcm', { limits: { maxDecodedBytes: 100 } })).message).toMatch(/^image_dfl\.dcm: \d+ bytes is over/);
  });

  it('caps the number of elements', () => {
    const f = `${pydicom}CT_small.dcm`;
    expect(appError(() => parseDicomFile(readFileSync(f), 'CT_small.dcm', { limits: { maxElements: 50 } })).code).toBe('too_large');
  });
});

describe('readDicom (dcmjs behind the bounds-checked walk)', () => {
  it('reads Part 10 files and raw datasets without preamble', () => {
    const ct = readDicom(readFileSync(`${pydicom}CT_small.dcm`), 'CT_small.dcm');
    expect(ct.dict['00100010']?.Value).toEqual([{ Alphabetic: 'CompressedSamples^CT1' }]);
    const rt = readDicom(readFileSync(`${pydicom}rtstruct.dcm`), 'rtstruct.dcm');
    expect(rt.dict['00080060']?.Value).toEqual(['RTSTRUCT']);
  });
});
