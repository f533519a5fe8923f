/**
 * Who may do what under which prefix of the one bucket (ADR-02). One table, two uses:
 * scripts/generate-iam-policies.ts turns it into IAM policy JSON (deploy/iam/), and the app checks
 * every presigned URL against it (assertKeyAccess) before signing, so the two cannot drift.
 * `{project}` stands for the project id (IAM: the principal's project tag).
 */
import type { Role } from '../auth/permissions';
import { STEP_NAMES, STEPS, type StepName } from '../pipeline/steps';

export type S3Action = 'get' | 'put' | 'list' | 'abort-multipart' | 'delete';

export interface AccessRule {
  prefix: string;
  actions: S3Action[];
  /** why this principal needs it; goes into the policy's Sid */
  why: string;
}

/** Browser users act only through URLs the app presigns for them; reviewers never reach raw-phi/. */
export const ROLE_RULES: Record<Role, AccessRule[]> = {
  researcher: [
    { prefix: 'raw-phi/{project}/', actions: ['put', 'abort-multipart'], why: 'UploadStudies' },
    { prefix: 'derived/{project}/', actions: ['get'], why: 'ReadResults' },
    { prefix: 'models/', actions: ['get'], why: 'ReadModels' },
  ],
  reviewer: [{ prefix: 'derived/{project}/', actions: ['get'], why: 'CompareMasks' }],
  operator: [
    { prefix: 'derived/{project}/', actions: ['get'], why: 'InspectRuns' },
    { prefix: 'manifests/{project}/', actions: ['get'], why: 'ReadManifests' },
    { prefix: 'models/', actions: ['get', 'put'], why: 'RegisterModels' },
  ],
  admin: [
    { prefix: 'raw-phi/{project}/', actions: ['put', 'abort-multipart'], why: 'UploadStudies' },
    { prefix: 'derived/{project}/', actions: ['get'], why: 'ReadResults' },
    { prefix: 'manifests/{project}/', actions: ['get'], why: 'ReadManifests' },
    { prefix: 'models/', actions: ['get', 'put'], why: 'RegisterModels' },
  ],
};

/**
 * Pipeline steps (one service account each): the `storage` rules of the step registry
 * (lib/pipeline/steps.ts), where each step is declared. Only ingest and de-identify ever read raw-phi/.
 */
export const STEP_RULES = Object.fromEntries(STEP_NAMES.map((s) => [s, STEPS[s].storage])) as Record<StepName, AccessRule[]>;

/** The concrete prefix of a rule for one project. */
export function rulePrefix(rule: AccessRule, projectId: string): string {
  return rule.prefix.replace('{project}', projectId);
}
