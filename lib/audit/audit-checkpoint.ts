import { sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalManifestBytes, manifestSha256 } from '../manifests/canonical-manifest';
import { ZSha256Hex } from '../manifests/manifest-schema';
import { keyId, publicKeyFromRaw, rawPublicKey } from '../manifests/signing-key';

/**
 * A checkpoint of the audit hash chain (schema `segflow.audit-checkpoint/1`): "event `seq` had hash
 * `headHash` at `at`", signed with the platform's Ed25519 key (the manifest signing key) and stored
 * write-once under manifests/audit/ in the bucket, out of reach of whoever controls the database.
 * Each checkpoint names the one before it (`prev`: its seq and the sha256 of its canonical bytes), so
 * a checkpoint removed from the middle is a visible gap. Bytes signed: RFC 8785 canonical JSON, as
 * for run manifests.
 */
export const AUDIT_CHECKPOINT_SCHEMA = 'segflow.audit-checkpoint/1';

export const ZAuditCheckpoint = z.strictObject({
  schema: z.literal(AUDIT_CHECKPOINT_SCHEMA),
  seq: z.number().int().positive(),
  headHash: ZSha256Hex,
  at: z.iso.datetime({ error: 'expected an ISO 8601 UTC timestamp' }),
  prev: z.strictObject({ seq: z.number().int().positive(), sha256: ZSha256Hex }).nullable(),
});
export type TAuditCheckpoint = z.infer<typeof ZAuditCheckpoint>;

export const ZSignedAuditCheckpoint = z.strictObject({
  checkpoint: ZAuditCheckpoint,
  sha256: ZSha256Hex,
  signature: z.strictObject({
    alg: z.literal('Ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    publicKey: z.base64(),
    value: z.base64(),
  }),
});
export type TSignedAuditCheckpoint = z.infer<typeof ZSignedAuditCheckpoint>;

export function signAuditCheckpoint(c: TAuditCheckpoint, key: KeyObject): TSignedAuditCheckpoint {
  const checkpoint = ZAuditCheckpoint.parse(c);
  const pub = rawPublicKey(key);
  return {
    checkpoint,
    sha256: manifestSha256(checkpoint),
    signature: {
      alg: 'Ed25519',
      keyId: keyId(pub),
      publicKey: pub.toString('base64'),
      value: sign(null, canonicalManifestBytes(checkpoint), key).toString('base64'),
    },
  };
}

/**
 * Parses and checks one stored checkpoint against the platform's public key: shape, sha256 of the
 * canonical checkpoint, signer is the platform, signature valid. Never throws.
 */
export function verifyAuditCheckpoint(raw: unknown, platformKey: KeyObject): { ok: true; signed: TSignedAuditCheckpoint } | { ok: false; problem: string } {
  const parsed = ZSignedAuditCheckpoint.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue.path.map(String).join('.') || 'checkpoint'}: ${issue.message}` };
  }
  const signed = parsed.data;
  const bytes = canonicalManifestBytes((raw as { checkpoint: unknown }).checkpoint);
  if (manifestSha256((raw as { checkpoint: unknown }).checkpoint) !== signed.sha256)
    return { ok: false, problem: 'sha256 mismatch: the checkpoint was changed after signing' };
  const pub = Buffer.from(signed.signature.publicKey, 'base64');
  const platform = rawPublicKey(platformKey);
  if (pub.length !== 32 || !timingSafeEqual(pub, platform)) {
    return { ok: false, problem: `signed by key ${pub.length === 32 ? keyId(pub) : '(malformed)'}, not the platform's key ${keyId(platform)}` };
  }
  if (!verify(null, bytes, publicKeyFromRaw(pub), Buffer.from(signed.signature.value, 'base64'))) {
    return { ok: false, problem: 'signature invalid' };
  }
  return { ok: true, signed };
}
