import { createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { canonicalManifestBytes, manifestSha256 } from './canonical-manifest';
import { ZSignedDocument } from './sign-manifest';
import { keyId, publicKeyFromRaw, rawPublicKey } from './signing-key';

export type TManifestVerification = { ok: true; sha256: string; keyId: string } | { ok: false; problem: string };

/** A trusted key as given by a verifier: a PEM (SPKI) or the base64 raw 32 bytes. */
function trustedRawKey(text: string): Buffer | null {
  try {
    const s = text.trim();
    if (s.includes('-----BEGIN')) {
      const key = createPublicKey(s);
      return key.asymmetricKeyType === 'ed25519' ? rawPublicKey(key) : null;
    }
    if (!/^[A-Za-z0-9+/]{43}=$/.test(s)) return null;
    const raw = Buffer.from(s, 'base64');
    return raw.length === 32 ? raw : null;
  } catch {
    return null;
  }
}

/**
 * Checks a signed manifest envelope (a run manifest or a promotion evidence record): shape (schema), the sha256 of the canonical manifest bytes, the
 * Ed25519 signature over them, and, when `trustedPublicKeys` is given, that the signer is trusted.
 *
 * Without trusted keys this only proves the envelope is self-consistent: anyone who edits a manifest
 * can recompute the hash and re-sign it with a key of their own, and it will verify. Only comparing
 * the signing key against the platform's published public key shows the platform wrote it.
 *
 * Never throws: whatever it is given (parsed JSON of any shape), a bad input is `ok: false` with a
 * problem that names the field or check that failed.
 */
export function verifyManifest(envelope: unknown, opts: { trustedPublicKeys?: string[] } = {}): TManifestVerification {
  try {
    const parsed = ZSignedDocument.safeParse(envelope);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? issue.path.map(String).join('.') : 'envelope';
      return { ok: false, problem: `${where}: ${issue.message}` };
    }
    const { signature } = parsed.data;
    // The raw input, not the parsed copy: what is checked is exactly what was stored.
    const manifest = (envelope as { manifest: unknown }).manifest;

    const sha256 = manifestSha256(manifest);
    if (sha256 !== parsed.data.sha256) {
      return { ok: false, problem: `sha256 mismatch: the manifest was changed after signing (recorded ${parsed.data.sha256}, computed ${sha256})` };
    }

    const pub = Buffer.from(signature.publicKey, 'base64');
    const id = keyId(pub);
    if (id !== signature.keyId) {
      return { ok: false, problem: `signature.keyId ${signature.keyId} does not match signature.publicKey (key id ${id})` };
    }
    if (!verify(null, canonicalManifestBytes(manifest), publicKeyFromRaw(pub), Buffer.from(signature.value, 'base64'))) {
      return { ok: false, problem: `signature invalid: signature.value does not verify against key ${id}` };
    }

    if (opts.trustedPublicKeys) {
      const trusted: Buffer[] = [];
      for (const [i, text] of opts.trustedPublicKeys.entries()) {
        const raw = trustedRawKey(text);
        if (!raw) return { ok: false, problem: `trusted public key #${i + 1}: not an Ed25519 public key (PEM or base64 of 32 bytes)` };
        trusted.push(raw);
      }
      if (!trusted.some((t) => timingSafeEqual(t, pub))) {
        return { ok: false, problem: `untrusted signing key ${id}: the signature is valid but not made by a trusted key` };
      }
    }
    return { ok: true, sha256, keyId: id };
  } catch (err) {
    // Belt and braces: e.g. canonicalize on a value zod accepted but JCS refuses.
    return { ok: false, problem: `cannot verify: ${err instanceof Error ? err.message : String(err)}` };
  }
}
