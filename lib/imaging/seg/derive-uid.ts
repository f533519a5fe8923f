/**
 * Deterministic DICOM UIDs: "2.25." + a 128-bit integer from SHA-256 of the inputs (PS3.5 B.2
 * UUID-derived form), so re-running a step on the same inputs gives byte-identical objects.
 */
import { createHash } from 'node:crypto';

export function deriveUid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}
