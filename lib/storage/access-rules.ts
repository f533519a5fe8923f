/**
 * Who may do what under which prefix of the one bucket (ADR-02). One table, two uses:
 * scripts/generate-iam-policies.ts turns it into IAM policy JSON (deploy/iam/), and the app checks
 * every presigned URL against it (assertKeyAccess) before signing, so the two cannot drift.
 * `{project}` stands for the project id (IAM: the principal's project tag).
 */
import type { Role } from '../auth/permissions';

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
 * Under Argo every worker step reads its invocation and the results of the steps before it from
 * pipeline/ (lib/storage/keys.ts), and writes its own result under its own step's prefix there.
 */
function exchangeRules(step: string): AccessRule[] {
  return [
    { prefix: 'pipeline/{project}/', actions: ['get'], why: 'ReadInvocationAndUpstreamResults' },
    { prefix: `pipeline/{project}/results/${step}/`, actions: ['put'], why: 'WriteStepResult' },
  ];
}

/** Pipeline steps (worker service accounts): only ingest and de-identify ever read raw-phi/. */
export const STEP_RULES: Record<string, AccessRule[]> = {
  ingest: [{ prefix: 'raw-phi/{project}/', actions: ['get', 'list'], why: 'CheckUploads' }, ...exchangeRules('ingest')],
  deidentify: [
    { prefix: 'raw-phi/{project}/', actions: ['get', 'list'], why: 'ReadIdentifiedImages' },
    { prefix: 'derived/{project}/', actions: ['put'], why: 'WriteDeidentifiedCopy' },
    ...exchangeRules('deidentify'),
  ],
  convert: [{ prefix: 'derived/{project}/', actions: ['get', 'put'], why: 'SeriesToVolume' }, ...exchangeRules('convert')],
  // infer also postprocesses (labelmap on the source grid, NIfTI and DICOM SEG): lib/pipeline/definition.ts
  infer: [
    { prefix: 'derived/{project}/', actions: ['get', 'put'], why: 'ReadVolumeWriteMasks' },
    { prefix: 'models/', actions: ['get'], why: 'LoadModel' },
    ...exchangeRules('infer'),
  ],
  compare: [{ prefix: 'derived/{project}/', actions: ['get', 'put'], why: 'CompareMasks' }, ...exchangeRules('compare')],
  // manifests are written once: put without delete; the bucket's object lock / versioning keeps them
  manifest: [
    { prefix: 'derived/{project}/', actions: ['get'], why: 'HashOutputs' },
    { prefix: 'manifests/{project}/', actions: ['put'], why: 'WriteManifestOnce' },
  ],
};

/** The concrete prefix of a rule for one project. */
export function rulePrefix(rule: AccessRule, projectId: string): string {
  return rule.prefix.replace('{project}', projectId);
}
