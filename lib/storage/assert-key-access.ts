import type { Role } from '../auth/permissions';
import { AppError } from '../errors';
import { ROLE_RULES, rulePrefix, type S3Action } from './access-rules';

/**
 * The app-side half of the bucket policy: before presigning `action` on `key` for a caller with
 * `role` in `projectId`, the same rules that generate deploy/iam/ must allow it.
 */
export function canAccessKey(p: { role: Role; projectId: string | null; action: S3Action; key: string }): boolean {
  return ROLE_RULES[p.role].some(
    (rule) =>
      rule.actions.includes(p.action) &&
      (!rule.prefix.includes('{project}') || p.projectId !== null) &&
      p.key.startsWith(rulePrefix(rule, p.projectId ?? '')) &&
      !p.key.includes('..'),
  );
}

export function assertKeyAccess(p: { role: Role | null; projectId: string | null; action: S3Action; key: string }): void {
  if (!p.role || !canAccessKey({ ...p, role: p.role })) {
    throw new AppError('forbidden', `your role may not ${p.action} objects under ${p.key.split('/')[0]}/`);
  }
}
