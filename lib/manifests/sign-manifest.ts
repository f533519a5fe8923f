import { sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { canonicalManifestBytes, manifestSha256 } from './canonical-manifest';
import { ZRunManifest, ZSha256Hex, type TRunManifest } from './manifest-schema';
import { ZPromotionEvidence, type TPromotionEvidence } from './promotion-evidence-schema';
import { keyId, rawPublicKey } from './signing-key';

function base64OfLength(bytes: number, what: string) {
  return z.base64().refine((s) => Buffer.from(s, 'base64').length === bytes, `${what} is ${bytes} bytes`);
}

/**
 * What is stored in `manifests/`: the manifest, the sha256 of its canonical bytes, and an Ed25519
 * signature over those same bytes. The public key travels with it so a verifier can check the
 * signature offline; whether that key is the platform's is a separate question (verify-manifest.ts).
 */
function signedEnvelope<T extends z.ZodType>(document: T) {
  return z.strictObject({
    manifest: document,
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
}

export const ZSignedManifest = signedEnvelope(ZRunManifest);
/** a signed promotion evidence record: the same envelope around another document */
export const ZSignedEvidence = signedEnvelope(ZPromotionEvidence);
/** whatever the platform signs: run manifests and promotion evidence records (told apart by `schema`) */
export const ZSignedDocument = signedEnvelope(z.discriminatedUnion('schema', [ZRunManifest, ZPromotionEvidence]));
export type TSignedManifest = z.infer<typeof ZSignedManifest>;

/** Signs a document with the platform key (loadSigningKey()). Refuses a document that fails its schema. */
function signDocument<T>(schema: z.ZodType<T>, what: string, m: T, key: KeyObject): { manifest: T; sha256: string; signature: TSignedManifest['signature'] } {
  const parsed = schema.safeParse(m);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_input', `${what}: ${['manifest', ...issue.path].join('.')}: ${issue.message}`);
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new AppError('invalid_input', 'signing needs an Ed25519 private key');
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

/** Signs a run manifest with the platform key. */
export function signManifest(m: TRunManifest, key: KeyObject): TSignedManifest {
  return signDocument(ZRunManifest, 'run manifest', m, key);
}

/** Signs a promotion evidence record with the platform key. */
export function signEvidence(m: TPromotionEvidence, key: KeyObject): z.infer<typeof ZSignedEvidence> {
  return signDocument(ZPromotionEvidence, 'promotion evidence', m, key);
}
