import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config';
import { keyId, publicKeyPem, rawPublicKey, signingKeyPath } from './signing-key';

/**
 * The platform's published manifest key, as `GET /api/manifests/public-key` serves it: what a
 * verifier needs to tell the platform's manifests (and audit checkpoints) from anyone else's.
 */
export interface TPublicKeyDocument {
  alg: 'Ed25519';
  keyId: string;
  /** SPKI PEM (`segflow manifest verify --public-key`, `openssl pkeyutl -verify`) */
  pem: string;
  /** RFC 8037 OKP JWK */
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; use: 'sig'; alg: 'EdDSA' };
}

export function publicKeyDocument(key: KeyObject): TPublicKeyDocument {
  const raw = rawPublicKey(key);
  const id = keyId(raw);
  return {
    alg: 'Ed25519',
    keyId: id,
    pem: publicKeyPem(key),
    jwk: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url'), kid: id, use: 'sig', alg: 'EdDSA' },
  };
}

/** `<data dir>/keys/manifest-signing-key.pub.pem`: the public half beside the key, for local verifiers. */
export function publicKeyFilePath(dir: string = config().dataDir): string {
  return join(dir, 'keys', 'manifest-signing-key.pub.pem');
}

export function writePublicKeyFile(key: KeyObject, dir: string = config().dataDir): string {
  const path = publicKeyFilePath(dir);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, publicKeyPem(key), { mode: 0o644 });
  return path;
}

/**
 * The platform's public key as this machine knows it without asking the app: the published file in
 * the data dir, else the public half of the data dir's private key. Never creates a key.
 */
export function localPlatformPublicKey(dir: string = config().dataDir): { pem: string; source: string } | null {
  const pub = publicKeyFilePath(dir);
  if (existsSync(pub)) return { pem: readFileSync(pub, 'utf8'), source: pub };
  const priv = signingKeyPath(dir);
  if (existsSync(priv)) return { pem: publicKeyPem(createPublicKey(readFileSync(priv, 'utf8'))), source: priv };
  return null;
}
