import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { TClusterConfig } from '../cluster-config';
import { APP_PORT, componentLabels, PART_OF } from './labels';

const TCP = (port: number) => ({ protocol: 'TCP' as const, port });
/** the database and HTTPS (S3, KMS, STS for the service accounts' roles, OIDC) wherever they are */
const DATABASE = { ports: [TCP(5432)] };
const HTTPS = { ports: [TCP(443)] };

/**
 * Nothing in the namespace talks to anything unless allowed here: the app is reached from the ingress
 * controller only; each component reaches only what it needs. Pipeline steps reach no database and
 * accept no connection. Egress to HTTPS is open to any address: narrow it with an ipBlock of your
 * object store's and KMS's endpoints (or an egress gateway) where the cluster allows.
 */
export function networkPolicies(c: TClusterConfig): INetworkPolicy[] {
  type Spec = NonNullable<INetworkPolicy['spec']>;
  const policy = (name: string, podSelector: Spec['podSelector'], spec: Omit<Spec, 'podSelector'>): INetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: c.namespace, labels: { 'app.kubernetes.io/name': 'segflow', ...PART_OF } },
    spec: { podSelector, ...spec },
  });
  const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
  return [
    policy('segflow-default-deny', {}, { policyTypes: ['Ingress', 'Egress'] }),
    policy(
      'segflow-dns',
      {},
      {
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ...ns('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP' as const, port: 53 }, TCP(53)] },
        ],
      },
    ),
    policy(
      'segflow-app',
      { matchLabels: componentLabels('app') },
      {
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [ns(c.ingress.controllerNamespace)], ports: [TCP(APP_PORT)] }],
        egress: [DATABASE, HTTPS],
      },
    ),
    policy(
      'segflow-executor',
      { matchLabels: componentLabels('executor') },
      {
        policyTypes: ['Ingress', 'Egress'],
        egress: [{ to: [ns(c.argoNamespace)], ports: [TCP(2746)] }, DATABASE, HTTPS],
      },
    ),
    policy('segflow-migrate', { matchLabels: componentLabels('migrate') }, { policyTypes: ['Ingress', 'Egress'], egress: [DATABASE] }),
    // Argo's executor sidecar reports task results to the Kubernetes API (443 on the service, often 6443 behind it)
    policy(
      'segflow-steps',
      { matchExpressions: [{ key: 'segflow.io/step', operator: 'Exists' }] },
      { policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [TCP(443), TCP(6443)] }] },
    ),
  ];
}
