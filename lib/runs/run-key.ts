import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The idempotency key of a run: SHA-256 of the canonical JSON (RFC 8785) of what determines its
 * outputs — the input objects' content (SHA-256s, in order), the pipeline version, the model
 * versions (by content hash, with their roles) and the parameters. Same key, same run.
 */
export function runKey(p: { inputs: string[]; pipelineVersion: string; models: { role: string; sha256: string }[]; params: Record<string, unknown> }): string {
  const doc = { inputs: p.inputs, pipeline: p.pipelineVersion, models: [...p.models].sort((a, b) => a.role.localeCompare(b.role)), params: p.params };
  return createHash('sha256')
    .update(canonicalize(doc) ?? '')
    .digest('hex');
}
