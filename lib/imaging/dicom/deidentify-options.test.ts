import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deidentifyInstance, type DeidentifyOptions } from './deidentify-instance';
import { subjectPseudonym } from './subject-pseudonym';
import { burnedInTextRisk } from './detect-burned-in';
import { findElement, rawString, stringValue } from './element-values';
import { parseDicomFile, type ParsedDicom } from './parse-dicom-file';
import { dateShiftDays, shiftDateValue } from './shift-date';
import { FIXTURES, allElements } from './test-fixtures';

const ctSmall = readFileSync(`${FIXTURES}dicom/single/pydicom/CT_small.dcm`);
const SECRET = 'options-secret';

function deid(bytes: Uint8Array, options: Partial<DeidentifyOptions> = {}): ParsedDicom {
  const r = deidentifyInstance(bytes, 'CT_small.dcm', { secret: SECRET, ...options });
  if (r.status !== 'written') throw new Error(r.reason);
  return parseDicomFile(r.bytes, 'out');
}
const value = (p: ParsedDicom, tag: number) => stringValue(p.body, p.elements, tag);
function methodCodes(p: ParsedDicom): string[] {
  return [...allElements(p.elements)].filter(({ el, path }) => el.tag === 0x00080100 && path[0] === 0x00120064).map(({ el }) => rawString(p.body, el));
}

describe('Basic Profile without options', () => {
  const out = deid(ctSmall);
  it('replaces name and ID by the pseudonym and records the method', () => {
    expect(value(out, 0x00100010)).toBe(subjectPseudonym(SECRET, '1CT1'));
    expect(value(out, 0x00100020)).toMatch(/^SUBJ-[0-9A-F]{12}$/);
    expect(value(out, 0x00120062)).toBe('YES');
    expect(methodCodes(out)).toEqual(['113100']);
    expect(value(out, 0x00280303)).toBe('REMOVED');
  });
  it('dummies institution and station, removes every private element, empties StudyDate', () => {
    expect(value(out, 0x00080080)).toBe('ANONYMIZED'); // InstitutionName X/Z/D → D
    expect(value(out, 0x00081010)).toBe('ANONYMIZED'); // StationName X/Z/D → D
    expect([...allElements(out.elements)].filter(({ el }) => (el.tag >>> 16) % 2 === 1)).toEqual([]);
    expect(value(out, 0x00080020)).toBeUndefined(); // StudyDate: Z
    expect(value(out, 0x00080014)).toMatch(/^2\.25\./); // InstanceCreatorUID: U
    expect(value(out, 0x00080016)).toBe('1.2.840.10008.5.1.4.1.1.2'); // class UID kept
  });
  it('uses the caller pseudonym', () => {
    expect(value(deid(ctSmall, { pseudonymFor: (id) => `P-${id.length}` }), 0x00100020)).toBe('P-4');
  });
});

describe('options', () => {
  it('retainLongitudinalModifiedDates shifts every date of a patient by the same days', () => {
    const out = deid(ctSmall, { retainLongitudinalModifiedDates: true });
    const days = dateShiftDays(SECRET, '1CT1');
    expect(value(out, 0x00080020)).toBe(shiftDateValue('20040119', 'DA', days));
    expect(value(out, 0x00080021)).toBe(shiftDateValue('19970430', 'DA', days));
    expect(value(out, 0x00080020)).not.toBe('20040119');
    expect(value(out, 0x00080030)).toBe('072730'); // times survive a whole-day shift
    expect(methodCodes(out)).toEqual(['113100', '113107']);
    expect(value(out, 0x00280303)).toBe('MODIFIED');
  });

  it('shiftDateValue handles ranges and DT, and refuses partial dates', () => {
    expect(shiftDateValue('20000301', 'DA', -1)).toBe('20000229');
    expect(shiftDateValue('20000301-20000302', 'DA', -1)).toBe('20000229-20000301');
    expect(shiftDateValue('20000301120000.5+0100', 'DT', -1)).toBe('20000229120000.5+0100');
    expect(shiftDateValue('2000', 'DA', -1)).toBeUndefined();
  });

  it('retainDeviceIdentity keeps StationName; cleanDescriptors keeps a cleaned StudyDescription', () => {
    const out = deid(ctSmall, { retainDeviceIdentity: true, cleanDescriptors: true });
    expect(value(out, 0x00081010)).toBe('CT01_OC0');
    expect(value(out, 0x00081030)).toBe('e+1');
    expect(methodCodes(out)).toEqual(['113100', '113105', '113109']);
    expect(findElement(deid(ctSmall).elements, 0x00081030)).toBeUndefined();
  });

  it('retainSafePrivate keeps only allow-listed private elements and their creator', () => {
    const out = deid(ctSmall, { retainSafePrivate: [{ creator: 'GEMS_IDEN_01', element: 0x04, group: 0x0009 }] });
    const priv = out.elements.filter((el) => (el.tag >>> 16) % 2 === 1).map((el) => el.tag.toString(16));
    expect(priv).toEqual(['90010', '91004']);
    expect(value(out, 0x00091004)).toBe('HiSpeed CT/i');
    expect(methodCodes(out)).toEqual(['113100', '113111']);
  });
});

describe('burned-in text', () => {
  it('quarantines Secondary Capture / OT images unless allowed', () => {
    const sc = readFileSync(`${FIXTURES}dicom/single/pydicom/SC_rgb_rle.dcm`);
    const r = deidentifyInstance(sc, 'SC_rgb_rle.dcm', { secret: SECRET });
    expect(r.status).toBe('quarantined');
    expect(r.status === 'quarantined' && r.reason).toMatch(/^SC_rgb_rle\.dcm: /);
    expect(deidentifyInstance(sc, 'SC_rgb_rle.dcm', { secret: SECRET, allowBurnedIn: true }).status).toBe('written');
  });
  it('flags BurnedInAnnotation YES, US, and SC classes', () => {
    expect(burnedInTextRisk({ burnedInAnnotation: 'YES', modality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.2' })).toMatch(/BurnedIn/);
    expect(burnedInTextRisk({ modality: 'US', sopClassUid: '1.2.840.10008.5.1.4.1.1.6.1' })).toMatch(/US/);
    expect(burnedInTextRisk({ modality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.7.2' })).toMatch(/Secondary Capture/);
    expect(burnedInTextRisk({ modality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.2' })).toBeUndefined();
  });
});
