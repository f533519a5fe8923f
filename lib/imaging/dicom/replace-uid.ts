/**
 * Deterministic UID replacement: the same original UID under the same project secret always gives
 * the same new UID, so the instances of a series, and objects that reference them (SEG, RTSTRUCT),
 * stay consistent even when de-identified separately.
 */
import { createHmac } from 'node:crypto';

/** `2.25.<decimal of the first 128 bits of HMAC-SHA256(secret, uid)>`: at most 44 characters. */
export function hashUid(secret: string | Uint8Array, uid: string): string {
  const digest = createHmac('sha256', secret).update(uid).digest();
  const n = BigInt(`0x${digest.subarray(0, 16).toString('hex')}`);
  return `2.25.${n.toString()}`;
}

/** DICOM's own root (transfer syntaxes, SOP classes, coding schemes): never an instance UID. */
export function isWellKnownUid(uid: string): boolean {
  return uid.startsWith('1.2.840.10008.');
}

export class UidReplacer {
  readonly map = new Map<string, string>();
  constructor(private readonly secret: string | Uint8Array) {}

  replace(uid: string): string {
    if (uid === '' || isWellKnownUid(uid)) return uid;
    let out = this.map.get(uid);
    if (!out) {
      out = hashUid(this.secret, uid);
      this.map.set(uid, out);
    }
    return out;
  }

  /** A UI value may hold several UIDs separated by backslashes. */
  replaceValue(value: string): string {
    return value
      .split('\\')
      .map((u) => this.replace(u.trim()))
      .join('\\');
  }
}
