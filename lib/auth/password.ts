import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes: scrypt with the parameters stored beside the hash, so they can be raised later
 * and every older hash upgraded at its next sign-in:
 *   scrypt$ln=17,r=8,p=1$<salt hex>$<hash hex>     (N = 2^ln)
 *   scrypt$<salt hex>$<hash hex>                   (before parameters were stored: Node's defaults, N = 2^14)
 * N = 2^17, r = 8, p = 1 is OWASP's recommendation for scrypt (Password Storage Cheat Sheet).
 */
export interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}
export const CURRENT_SCRYPT: ScryptParams = { ln: 17, r: 8, p: 1 };
const LEGACY_SCRYPT: ScryptParams = { ln: 14, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // scrypt needs 128·N·r bytes (128 MiB at N = 2^17); Node refuses above 32 MiB unless told
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, KEY_LENGTH, params);
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('hex')}$${hash.toString('hex')}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return null;
  if (parts.length === 3) return { params: LEGACY_SCRYPT, salt: Buffer.from(parts[1], 'hex'), hash: Buffer.from(parts[2], 'hex') };
  const m = parts.length === 4 ? /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1]) : null;
  if (!m) return null;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // a stored hash decides how much memory and time a sign-in costs: never beyond what we would choose
  if (params.ln < 10 || params.ln > 20 || params.r < 1 || params.r > 16 || params.p < 1 || params.p > 4) return null;
  return { params, salt: Buffer.from(parts[2], 'hex'), hash: Buffer.from(parts[3], 'hex') };
}

const weakerThanCurrent = (p: ScryptParams) => p.ln < CURRENT_SCRYPT.ln || p.r < CURRENT_SCRYPT.r || p.p < CURRENT_SCRYPT.p;

/** Checks a password; `rehash` says the stored hash uses weaker parameters than CURRENT_SCRYPT. */
export async function verifyPassword(password: string, stored: string): Promise<{ ok: boolean; rehash: boolean }> {
  const parsed = parse(stored);
  if (!parsed || parsed.hash.length === 0) return { ok: false, rehash: false };
  const actual = await derive(password, parsed.salt, parsed.hash.length, parsed.params);
  const ok = timingSafeEqual(actual, parsed.hash);
  return { ok, rehash: ok && weakerThanCurrent(parsed.params) };
}

// For unknown emails: the same work as a real check, so the answer's timing does not say whether
// an account exists. Made once, lazily (a hash costs a few hundred milliseconds).
let dummy: Promise<string> | null = null;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await dummy);
}
