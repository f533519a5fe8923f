/**
 * How the output records what was done to it (PS3.15 E.1.1, PS3.16 CID 7050): PatientIdentityRemoved,
 * DeidentificationMethod, DeidentificationMethodCodeSequence with the profile and each option, and
 * LongitudinalTemporalInformationModified.
 */
import type { Syntax } from './dicom-syntax';
import { textNode, type OutNode } from './write-dicom-file';

export interface DeidOptionFlags {
  retainLongitudinalModifiedDates?: boolean;
  retainPatientCharacteristics?: boolean;
  retainDeviceIdentity?: boolean;
  retainSafePrivate?: boolean;
  cleanDescriptors?: boolean;
}

const CODES: { flag: keyof DeidOptionFlags | null; value: string; meaning: string }[] = [
  { flag: null, value: '113100', meaning: 'Basic Application Confidentiality Profile' },
  { flag: 'cleanDescriptors', value: '113105', meaning: 'Clean Descriptors Option' },
  { flag: 'retainLongitudinalModifiedDates', value: '113107', meaning: 'Retain Longitudinal Temporal Information Modified Dates Option' },
  { flag: 'retainPatientCharacteristics', value: '113108', meaning: 'Retain Patient Characteristics Option' },
  { flag: 'retainDeviceIdentity', value: '113109', meaning: 'Retain Device Identity Option' },
  { flag: 'retainSafePrivate', value: '113111', meaning: 'Retain Safe Private Option' },
];

/** Tags this module writes; any input values of them are dropped first. */
export const METHOD_TAGS = new Set([0x00120062, 0x00120063, 0x00120064, 0x00280303]);

const made = new Map<number, readonly OutNode[]>();

/**
 * `syntax` is the output dataset's syntax: the code items are written in it. The nodes are the same
 * for every instance with the same options and syntax, so they are made once (and never changed).
 */
export function deidMethodNodes(flags: DeidOptionFlags, syntax: Syntax): readonly OutNode[] {
  let key = (syntax.explicitVr ? 1 : 0) | (syntax.littleEndian ? 2 : 0);
  CODES.forEach((c, i) => {
    if (c.flag && flags[c.flag]) key |= 4 << i;
  });
  let nodes = made.get(key);
  if (!nodes) {
    nodes = methodNodes(flags, syntax);
    made.set(key, nodes);
  }
  return nodes;
}

function methodNodes(flags: DeidOptionFlags, syntax: Syntax): OutNode[] {
  const used = CODES.filter((c) => c.flag === null || flags[c.flag]);
  return [
    textNode(0x00120062, 'CS', 'YES'),
    textNode(0x00120063, 'LO', ['segflow', ...used.map((c) => c.value)].join('\\')),
    {
      kind: 'sequence',
      tag: 0x00120064,
      itemSyntax: syntax,
      items: used.map((c) => [textNode(0x00080100, 'SH', c.value), textNode(0x00080102, 'SH', 'DCM'), textNode(0x00080104, 'LO', c.meaning)]),
    },
    textNode(0x00280303, 'CS', flags.retainLongitudinalModifiedDates ? 'MODIFIED' : 'REMOVED'),
  ];
}
