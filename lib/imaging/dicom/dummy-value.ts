/**
 * "D" values: non-empty, valid for the VR, and carrying no information. Binary values become zeros
 * of the original length so that VM and byte order stay valid without knowing the attribute.
 */
const TEXT_DUMMY: Record<string, string> = {
  AE: 'ANONYMOUS',
  AS: '000D',
  CS: 'ANONYMIZED',
  DA: '19000101',
  DS: '0',
  DT: '19000101000000',
  IS: '0',
  LO: 'ANONYMIZED',
  LT: 'ANONYMIZED',
  PN: 'ANONYMIZED',
  SH: 'ANONYMIZED',
  ST: 'ANONYMIZED',
  TM: '000000',
  UC: 'ANONYMIZED',
  UR: 'urn:segflow:anonymized',
  UT: 'ANONYMIZED',
};

/** Dummy text for a text VR, or undefined for binary VRs (use `dummyBinary`). UI is handled by UID replacement. */
export function dummyText(vr: string): string | undefined {
  return TEXT_DUMMY[vr];
}

export function dummyBinary(length: number): Uint8Array {
  return new Uint8Array(length);
}
