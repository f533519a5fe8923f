import { sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { canonicalManifestBytes, manifestSha256 } from './canonical-manifest';
import { ZRunManifest, ZSha256Hex, type TRunManifest } from './manifest-schema';
import { keyId, rawPublicKey } from './signing-key';

function base64OfLength(bytes: number, what: string) {
  return z.base64().refine((s) => Buffer.from(s, 'base64').length === bytes, `${what} is ${bytes} bytes`);
}

/**
 * What is stored in `manifests/`: the manifest, the sha256 of its canonical bytes, and an Ed25519
 * signature over those same bytes. The public key travels with it so a verifier can check the
 * signature offline; whether that key is the platform's is a separate question (verify-manifest.ts).
 */
export const ZSignedManifest = z.strictObject({
  manifest: ZRunManifest,
  sha256: ZSha256Hex,
  signature: z.strictObject({
    alg: z.literal('Ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex characters'),
    /** raw 32-byte public key, base64 */
    publicKey: base64OfLength(32, 'an Ed25519 public key'),
    /** 64-byte signature over the canonical manifest bytes, base64 */
    value: base64OfLength(64, 'an Ed25519 signature'),
  }),
});
export type TSignedManifest = z.infer<typeof ZSignedManifest>;

/** Signs a manifest with the platform key (loadSigningKey()). Refuses a manifest that fails the schema. */
export function signManifest(m: TRunManifest, key: KeyObject): TSignedManifest {
  const parsed = ZRunManifest.safeParse(m);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_input', `run manifest: ${['manifest', ...issue.path].join('.')}: ${issue.message}`);
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new AppError('invalid_input', 'signManifest needs an Ed25519 private key');
  }
  // A copy: a caller that edits its object afterwards must not change what was signed.
  const manifest = structuredClone(m);
  const bytes = canonicalManifestBytes(manifest);
  const pub = rawPublicKey(key);
  return {
    manifest,
    sha256: manifestSha256(manifest),
    signature: {
      alg: 'Ed25519',
      keyId: keyId(pub),
      publicKey: pub.toString('base64'),
      value: sign(null, bytes, key).toString('base64'),
    },
  };
}
