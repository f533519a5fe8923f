import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What the cluster manifests (deploy/k8s/) and the Argo WorkflowTemplate (deploy/argo/) are rendered
 * with: deploy/cluster.json, edited by whoever installs segflow, then
 * `npx tsx scripts/generate-deploy.ts`. Tests render with the same file and fail when the generated
 * files are stale.
 */
const ZDnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a DNS label: lowercase letters, digits and dashes');
const ZDigestImage = z.string().regex(/@sha256:[0-9a-f]{64}$/, 'an image pinned by digest (…@sha256:<64 hex>)');
const ZToleration = z.strictObject({
  key: z.string(),
  operator: z.enum(['Exists', 'Equal']),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});
const ZPriorityClass = z.strictObject({ name: ZDnsLabel, value: z.int().min(-1_000_000_000).max(1_000_000_000) });

export const ZClusterConfig = z.strictObject({
  /** the namespace of the app, the executor, the workflows and their pods */
  namespace: ZDnsLabel,
  /** where the Argo Server runs (the executor's NetworkPolicy lets it reach port 2746 there) */
  argoNamespace: ZDnsLabel,
  /** the Argo Server URL the executor talks to */
  argoServer: z.url(),
  /** the app's public URL (NEXTAUTH_URL, the Ingress host, the bucket's CORS origin) */
  appUrl: z.url(),
  images: z.strictObject({ app: ZDigestImage, worker: ZDigestImage }),
  /** the one bucket (ADR-02): versioned, Object Lock, SSE-KMS with this key */
  storage: z.strictObject({ bucket: z.string().min(3), region: z.string().min(1), kmsKeyId: z.string().min(1), endpoint: z.url().optional() }),
  ingress: z.strictObject({ className: z.string(), controllerNamespace: ZDnsLabel, tlsSecret: ZDnsLabel }),
  gpu: z.strictObject({
    /** the extended resource a GPU pod requests (NVIDIA device plugin) */
    resource: z.string(),
    nodeSelector: z.record(z.string(), z.string()),
    tolerations: z.array(ZToleration),
    /** inference pods that may hold a GPU at once (the Argo semaphore `gpu`): the GPUs segflow may use */
    slots: z.int().min(1),
    /** of those, how many shadow inference may take (semaphore `gpu-shadow`): live runs keep the rest */
    shadowSlots: z.int().min(0),
  }),
  /** PriorityClasses: serving-path pods go before shadow work when the cluster is full */
  priorityClasses: z.strictObject({ live: ZPriorityClass, shadow: ZPriorityClass }),
  /** annotations of each step's ServiceAccount, `{step}` replaced by the step (e.g. IRSA's eks.amazonaws.com/role-arn) */
  stepServiceAccountAnnotations: z.record(z.string(), z.string()),
  /** the app's ServiceAccount annotations (its bucket access), likewise */
  appServiceAccountAnnotations: z.record(z.string(), z.string()),
});
export type TClusterConfig = z.infer<typeof ZClusterConfig>;

export const CLUSTER_CONFIG_PATH = join('deploy', 'cluster.json');

/** deploy/cluster.json, checked; errors name the field. */
export function readClusterConfig(path = join(process.cwd(), CLUSTER_CONFIG_PATH)): TClusterConfig {
  const parsed = ZClusterConfig.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
