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

/**
 * hashUid's answers in this process, per secret: every instance of a series carries the same study,
 * series and frame-of-reference UIDs, and an HMAC costs more than the rest of a UID's rewriting. The
 * answers are a function of (secret, UID) alone; each table is dropped when it reaches its limit.
 */
const REMEMBERED_UIDS = 50_000;
const REMEMBERED_SECRETS = 16;
const remembered = new Map<string, Map<string, string>>();

function rememberedFor(secret: string | Uint8Array): Map<string, string> {
  const key = typeof secret === 'string' ? `s:${secret}` : `b:${Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('hex')}`;
  let table = remembered.get(key);
  if (!table) {
    if (remembered.size >= REMEMBERED_SECRETS) remembered.clear();
    table = new Map();
    remembered.set(key, table);
  }
  return table;
}

export class UidReplacer {
  /** this replacer's UIDs: original → replacement */
  readonly map = new Map<string, string>();
  private readonly hashed: Map<string, string>;
  constructor(private readonly secret: string | Uint8Array) {
    this.hashed = rememberedFor(secret);
  }

  replace(uid: string): string {
    if (uid === '' || isWellKnownUid(uid)) return uid;
    let out = this.map.get(uid);
    if (!out) {
      out = this.hashed.get(uid);
      if (!out) {
        out = hashUid(this.secret, uid);
        if (this.hashed.size >= REMEMBERED_UIDS) this.hashed.clear();
        this.hashed.set(uid, out);
      }
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
