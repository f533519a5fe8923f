import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { TClusterConfig } from '../cluster-config';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, TMP_MOUNT, TMP_VOLUME } from '../pod-security';
import { APP_CONFIG_MAP, APP_SECRET, ARGO_CA_CONFIG_MAP, componentLabels, PART_OF } from './labels';

/** where the executor finds its projected service-account token (ARGO_TOKEN_FILE) and the Argo Server's CA (ARGO_CA_FILE) */
export const ARGO_TOKEN_PATH = '/var/run/secrets/segflow/argo/token';
export const ARGO_CA_PATH = '/var/run/secrets/segflow/argo-ca/ca.crt';

/**
 * The executor: `segflow executor` with the Argo executor, one replica (several would be safe: claims
 * are FOR UPDATE SKIP LOCKED and workflows are named from their run). It submits workflows and reads
 * them through the Argo Server with its own service account's token, a projected token the kubelet
 * rotates (the executor re-reads the file); its Role lets that account do exactly that in this
 * namespace, the Argo Server acting with the caller's rights ("client" auth mode).
 */
export function executorManifests(c: TClusterConfig): (IServiceAccount | IRole | IRoleBinding | IDeployment)[] {
  const labels = componentLabels('executor');
  const meta = (name: string) => ({ name, namespace: c.namespace, labels: { ...labels, ...PART_OF } });
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { ...meta('segflow-executor'), annotations: c.appServiceAccountAnnotations },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('segflow-executor'),
      rules: [
        // submit from the template, list and read (one list per tick), stop/terminate/retry/resubmit (update)
        { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch'] },
        { apiGroups: ['argoproj.io'], resources: ['workflowtemplates'], verbs: ['get', 'list'] },
        // retry deletes the pods of the nodes it runs again
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('segflow-executor'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'segflow-executor' },
      subjects: [{ kind: 'ServiceAccount', name: 'segflow-executor', namespace: c.namespace }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('segflow-executor'),
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        // a new executor starts only after the old one has handed its claims back (SIGTERM)
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: { ...labels, ...PART_OF } },
          spec: {
            serviceAccountName: 'segflow-executor',
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 60,
            securityContext: RESTRICTED_POD_SECURITY,
            containers: [
              {
                name: 'executor',
                image: c.images.app,
                workingDir: '/app',
                command: ['node', 'bin/segflow.mjs', 'executor'],
                envFrom: [{ configMapRef: { name: APP_CONFIG_MAP } }, { secretRef: { name: APP_SECRET } }],
                env: [
                  { name: 'SEGFLOW_EXECUTOR', value: 'argo' },
                  { name: 'ARGO_SERVER', value: c.argoServer },
                  { name: 'ARGO_NAMESPACE', value: c.namespace },
                  { name: 'ARGO_TOKEN_FILE', value: ARGO_TOKEN_PATH },
                  { name: 'ARGO_CA_FILE', value: ARGO_CA_PATH },
                  // the root filesystem is read-only: the liveness file lives in the /tmp emptyDir
                  { name: 'SEGFLOW_EXECUTOR_HEALTH_FILE', value: '/tmp/executor-health.json' },
                ],
                // alive while its poll loop ticks (segflow executor --check reads the health file)
                livenessProbe: {
                  exec: { command: ['node', 'bin/segflow.mjs', 'executor', '--check'] },
                  initialDelaySeconds: 30,
                  periodSeconds: 30,
                  timeoutSeconds: 20,
                  failureThreshold: 3,
                },
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
                securityContext: RESTRICTED_CONTAINER_SECURITY,
                volumeMounts: [
                  TMP_MOUNT,
                  { name: 'argo-token', mountPath: '/var/run/secrets/segflow/argo', readOnly: true },
                  { name: 'argo-ca', mountPath: '/var/run/secrets/segflow/argo-ca', readOnly: true },
                ],
              },
            ],
            volumes: [
              TMP_VOLUME,
              { name: 'argo-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
              // required: create it from the CA that signed the Argo Server's certificate (deploy/README.md)
              { name: 'argo-ca', configMap: { name: ARGO_CA_CONFIG_MAP } },
            ],
          },
        },
      },
    },
  ];
}
