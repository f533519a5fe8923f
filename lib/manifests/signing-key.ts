import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@/lib/errors';
import { config } from '@/lib/config';

/**
 * The platform's manifest signing key (Ed25519). Production sets SEGFLOW_MANIFEST_SIGNING_KEY (a
 * PKCS#8 PEM, from the secret store); a local install keeps one in
 * `<data dir>/keys/manifest-signing-key.pem`, made on first use. Verifiers only ever need the
 * public half (publicKeyPem()).
 */

export const SIGNING_KEY_ENV = 'SEGFLOW_MANIFEST_SIGNING_KEY';

export function signingKeyPath(dir: string = config().dataDir): string {
  return join(dir, 'keys', 'manifest-signing-key.pem');
}

function parsePrivateKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // Never echo the value: it is a secret, even when malformed.
    throw new AppError('invalid_input', `${source}: not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AppError('invalid_input', `${source}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  return key;
}

/**
 * Creates the key file without ever clobbering one that exists: the PEM goes to a private temp file
 * (`wx`, 0600), then link() puts it in place. Unlike rename(), link() fails when the target exists,
 * so when two processes race on first start, the loser reads the winner's key instead of replacing
 * it (which would leave manifests signed with a key nobody kept). Readers never see a partial file.
 * Exported so the losing side of that race can be tested without timing games.
 */
export function createSigningKeyFile(path: string): KeyObject {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, pem, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(tmp, path);
    return privateKey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return parsePrivateKey(readFileSync(path, 'utf8'), path);
  } finally {
    unlinkSync(tmp);
  }
}

/** The platform's Ed25519 private key: the environment first, then the data dir's key file (made if missing). */
export function loadSigningKey(opts: { dataDir?: string } = {}): KeyObject {
  const fromEnv = config().manifests.signingKeyPem;
  // Secret stores and .env files often carry a PEM on one line with literal "\n".
  if (fromEnv?.trim()) return parsePrivateKey(fromEnv.replace(/\\n/g, '\n'), SIGNING_KEY_ENV);
  const path = signingKeyPath(opts.dataDir);
  if (existsSync(path)) return parsePrivateKey(readFileSync(path, 'utf8'), path);
  return createSigningKeyFile(path);
}

/** The raw 32-byte Ed25519 public key of a private or public key object. */
export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new AppError('invalid_input', 'expected an Ed25519 key');
  const { x } = pub.export({ format: 'jwk' });
  if (!x) throw new AppError('invalid_input', 'expected an Ed25519 key');
  return Buffer.from(x, 'base64url');
}

/** A public key object from its raw 32 bytes. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new AppError('invalid_input', `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** Short key id: the first 16 hex characters of sha256(raw 32-byte public key). */
export function keyId(publicKey: KeyObject | Uint8Array): string {
  const raw = publicKey instanceof Uint8Array ? publicKey : rawPublicKey(publicKey);
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** The public half as an SPKI PEM, for verifiers (`segflow manifest verify --public-key`). */
export function publicKeyPem(key: KeyObject = loadSigningKey()): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ format: 'pem', type: 'spki' }).toString();
}
