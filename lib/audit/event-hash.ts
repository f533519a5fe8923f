import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/** The fields an audit event's hash covers (everything but seq and the hashes themselves). */
export interface AuditEventFields {
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  projectId: string | null;
  outcome: 'success' | 'denied' | 'failure';
  requestId: string;
  details: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** hash = sha256(prev_hash || canonical(event)), canonical per RFC 8785 (JSON Canonicalization Scheme). */
export function hashAuditEvent(prevHash: string, e: AuditEventFields): string {
  const canonical = canonicalize({
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    projectId: e.projectId,
    outcome: e.outcome,
    requestId: e.requestId,
    details: e.details,
  });
  return createHash('sha256')
    .update(prevHash + canonical)
    .digest('hex');
}
