import { ROLE_RULES, STEP_RULES } from './access-rules';
import { renderIamPolicy } from './render-iam-policy';

/** file name → JSON text of every generated policy (deploy/iam/). */
export function iamPolicyFiles(bucket = 'segflow'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, rules] of Object.entries(ROLE_RULES)) out[`role-${role}.json`] = `${JSON.stringify(renderIamPolicy({ bucket, rules }), null, 2)}\n`;
  for (const [step, rules] of Object.entries(STEP_RULES)) out[`step-${step}.json`] = `${JSON.stringify(renderIamPolicy({ bucket, rules }), null, 2)}\n`;
  return out;
}
