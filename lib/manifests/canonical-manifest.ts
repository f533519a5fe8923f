import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/**
 * The bytes a manifest's hash and signature cover: RFC 8785 (JSON Canonicalization Scheme) in
 * UTF-8. Key order and whitespace in a stored file do not matter; any change of a value does.
 * Takes `unknown` because the verifier hashes exactly what it was given, not a re-parsed copy.
 */
export function canonicalManifestBytes(m: unknown): Buffer {
  const text = canonicalize(m);
  if (text === undefined) throw new TypeError('a manifest must be a JSON value');
  return Buffer.from(text, 'utf8');
}

/** Lowercase hex SHA-256 of the canonical bytes. */
export function manifestSha256(m: unknown): string {
  return createHash('sha256').update(canonicalManifestBytes(m)).digest('hex');
}
