import { describe, expect, it } from 'vitest';
import { likePattern, MAX_RESULTS, parseQidoQuery } from './qido-query';
import { checkAccept } from './accept';
import { parseMultipart } from './multipart';

const q = (s: string) => parseQidoQuery(new URLSearchParams(s));

describe('QIDO-RS query', () => {
  it('reads keywords and tags, UID lists, date ranges, modalities, paging and includefield', () => {
    expect(
      q('0020000D=1.2.3,1.2.4&StudyDate=20200101-&ModalitiesInStudy=CT\\SEG&limit=5&offset=10&includefield=PatientID&includefield=00080020,NotAnAttribute'),
    ).toEqual({
      studyInstanceUids: ['1.2.3', '1.2.4'],
      studyDate: { from: '20200101' },
      modalities: ['CT', 'SEG'],
      limit: 5,
      offset: 10,
      includeFields: ['PatientID', 'StudyDate'],
    });
    expect(q('StudyDate=20200101').studyDate).toEqual({ from: '20200101', to: '20200101' });
    expect(q('StudyDate=-20201231').studyDate).toEqual({ to: '20201231' });
    expect(q('includefield=all').includeFields).toBe('all');
    expect(q('limit=999999').limit).toBe(MAX_RESULTS);
    // universal matching and unknown keys are no filter
    expect(q('PatientID=&AccessionNumber=123&_=1')).toEqual({ limit: MAX_RESULTS, offset: 0, includeFields: [] });
  });

  it('names the field and the problem for bad values', () => {
    expect(() => q('StudyDate=2020-01-01')).toThrow(/StudyDate: "2020-01-01" is not a date \(YYYYMMDD\)/);
    expect(() => q('StudyInstanceUID=abc')).toThrow(/StudyInstanceUID: "abc" is not a UID/);
    expect(() => q('limit=ten')).toThrow(/limit: "ten" is not a whole number/);
  });

  it('turns DICOM wildcards into a LIKE pattern, escaping LIKE’s own', () => {
    expect(likePattern('SF-*')).toBe('SF-%');
    expect(likePattern('A?_%')).toBe('A_\\_\\%');
  });
});

describe('WADO-RS Accept', () => {
  const stored = { mediaType: 'application/dicom', transferSyntaxUids: ['1.2.840.10008.1.2'] };
  it('accepts no Accept, any transfer syntax, or the stored one; refuses only other ones, naming the stored one', () => {
    expect(() => checkAccept(null, stored)).not.toThrow();
    expect(() => checkAccept('multipart/related; type="application/dicom"', stored)).not.toThrow();
    expect(() => checkAccept('multipart/related; type="application/dicom"; transfer-syntax=*', stored)).not.toThrow();
    expect(() => checkAccept('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2', stored)).not.toThrow();
    expect(() => checkAccept('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50', stored)).toThrow(
      /stored as transfer syntax 1\.2\.840\.10008\.1\.2, .*no transcoding/,
    );
    expect(() => checkAccept('application/dicom+json', stored)).toThrow(/multipart\/related/);
  });
});

describe('multipart/related', () => {
  it('reads the parts of a body, binary content intact', () => {
    const bin = Buffer.from([0, 13, 10, 45, 45, 255]);
    const body = Buffer.concat([
      Buffer.from('--b1\r\nContent-Type: application/dicom\r\n\r\n'),
      bin,
      Buffer.from('\r\n--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n--b1--\r\n'),
    ]);
    const parts = parseMultipart('multipart/related; type="application/dicom"; boundary="b1"', new Uint8Array(body));
    expect(parts.map((p) => p.headers['content-type'])).toEqual(['application/dicom', 'text/plain']);
    expect(Buffer.from(parts[0].body)).toEqual(bin);
    expect(() => parseMultipart('application/json', new Uint8Array())).toThrow(/multipart\/related/);
  });
});
