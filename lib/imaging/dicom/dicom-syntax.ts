/**
 * Byte-level vocabulary shared by the DICOM reader and writer: transfer syntaxes, VR classes, tags.
 * Tags are numbers `(group << 16 | element) >>> 0` so lookups are Map<number> hits, not string work.
 */
import { createRequire } from 'node:module';
import type dcmjsModule from 'dcmjs';

export const UNDEFINED_LENGTH = 0xffffffff;
export const ITEM = 0xfffee000;
export const ITEM_DELIMITER = 0xfffee00d;
export const SEQUENCE_DELIMITER = 0xfffee0dd;
export const PIXEL_DATA = 0x7fe00010;

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
} as const;

export interface Syntax {
  explicitVr: boolean;
  littleEndian: boolean;
}

export interface TransferSyntax extends Syntax {
  uid: string;
  deflated: boolean;
}

/** Every transfer syntax not listed here is an encapsulated (compressed) one: explicit VR LE. */
export function transferSyntaxFor(uid: string): TransferSyntax {
  if (uid === TS.implicitLE) return { uid, explicitVr: false, littleEndian: true, deflated: false };
  if (uid === TS.explicitBE) return { uid, explicitVr: true, littleEndian: false, deflated: false };
  if (uid === TS.deflatedLE) return { uid, explicitVr: true, littleEndian: true, deflated: true };
  return { uid, explicitVr: true, littleEndian: true, deflated: false };
}

/** VRs whose explicit encoding has 2 reserved bytes and a 4-byte length. */
export const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
export const KNOWN_VRS = new Set([
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FD',
  'FL',
  'IS',
  'LO',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'PN',
  'SH',
  'SL',
  'SQ',
  'SS',
  'ST',
  'SV',
  'TM',
  'UC',
  'UI',
  'UL',
  'UN',
  'UR',
  'US',
  'UT',
  'UV',
]);
/** VRs whose value is character data (safe to decode as text, searched for PHI). */
export const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);

export function tagString(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

export const groupOf = (tag: number): number => tag >>> 16;
export const elementOf = (tag: number): number => tag & 0xffff;
export const isPrivateTag = (tag: number): boolean => (groupOf(tag) & 1) === 1;

const vrCache = new Map<number, string>();
let dictionary: typeof dcmjsModule.data.DicomMetaDictionary.dictionary | undefined;

/** dcmjs (a megabyte of JavaScript) is loaded only when an implicit-VR dataset needs its dictionary. */
function standardDictionary(): typeof dcmjsModule.data.DicomMetaDictionary.dictionary {
  dictionary ??= (createRequire(import.meta.url)('dcmjs') as typeof dcmjsModule).data.DicomMetaDictionary.dictionary;
  return dictionary;
}

/** A standard tag's keyword (ImageOrientationPatient) from dcmjs's data dictionary; undefined for private and unknown tags. */
export function tagKeyword(tag: number): string | undefined {
  return isPrivateTag(tag) ? undefined : standardDictionary()[tagString(tag)]?.name;
}

/**
 * VR of a standard tag from dcmjs's data dictionary, for implicit-VR input. Ambiguous VRs
 * ('US or SS', 'OB or OW') only matter for byte swapping, which we never do, so they map to the
 * unsigned/OB form. Unknown and private tags are UN.
 */
export function dictionaryVr(tag: number): string {
  const cached = vrCache.get(tag);
  if (cached) return cached;
  let vr = isPrivateTag(tag) ? undefined : standardDictionary()[tagString(tag)]?.vr;
  if (vr === 'xs') vr = 'US';
  else if (vr === 'ox' || vr === 'OB|OW' || vr === 'OB or OW') vr = 'OW';
  else if (!vr || !KNOWN_VRS.has(vr)) vr = 'UN';
  vrCache.set(tag, vr);
  return vr;
}
