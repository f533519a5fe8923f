import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { TClusterConfig } from '../cluster-config';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, TMP_MOUNT, TMP_VOLUME } from '../pod-security';
import { APP_CONFIG_MAP, APP_PORT, APP_SECRET, componentLabels, PART_OF } from './labels';

/**
 * The web app: `next start` in the app image, two replicas, no executor inside it
 * (SEGFLOW_EXECUTOR=none; the executor Deployment takes the runs). Ready when /api/health answers 200
 * (database and storage reachable).
 */
export function appManifests(c: TClusterConfig): { resources: (IServiceAccount | IDeployment | IService)[]; ingressExample: IIngress } {
  const labels = componentLabels('app');
  const sa: IServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'segflow-app', namespace: c.namespace, labels: { ...labels, ...PART_OF }, annotations: c.appServiceAccountAnnotations },
    // the app never talks to the Kubernetes API
    automountServiceAccountToken: false,
  };
  const deployment: IDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'segflow-app', namespace: c.namespace, labels: { ...labels, ...PART_OF } },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, ...PART_OF } },
        spec: {
          serviceAccountName: 'segflow-app',
          automountServiceAccountToken: false,
          securityContext: RESTRICTED_POD_SECURITY,
          containers: [
            {
              name: 'app',
              image: c.images.app,
              workingDir: '/app',
              command: ['node', 'node_modules/next/dist/bin/next', 'start', '-p', String(APP_PORT)],
              ports: [{ name: 'http', containerPort: APP_PORT }],
              envFrom: [{ configMapRef: { name: APP_CONFIG_MAP } }, { secretRef: { name: APP_SECRET } }],
              env: [
                { name: 'SEGFLOW_EXECUTOR', value: 'none' },
                // runs submitted here are for the executor Deployment (Argo); the app itself never calls Argo
                { name: 'SEGFLOW_RUNS_ON', value: 'argo' },
                { name: 'NEXTAUTH_URL', value: c.appUrl },
              ],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
              readinessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 20, periodSeconds: 20 },
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              // next start writes its cache under .next/cache: the only writable places are these emptyDirs
              volumeMounts: [TMP_MOUNT, { name: 'next-cache', mountPath: '/app/.next/cache' }],
            },
          ],
          volumes: [TMP_VOLUME, { name: 'next-cache', emptyDir: { sizeLimit: '1Gi' } }],
        },
      },
    },
  };
  const service: IService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'segflow-app', namespace: c.namespace, labels: { ...labels, ...PART_OF } },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
  const host = new URL(c.appUrl).hostname;
  const ingressExample: IIngress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'segflow-app', namespace: c.namespace, labels: { ...labels, ...PART_OF } },
    spec: {
      ingressClassName: c.ingress.className,
      tls: [{ hosts: [host], secretName: c.ingress.tlsSecret }],
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'segflow-app', port: { name: 'http' } } } }] } }],
    },
  };
  return { resources: [sa, deployment, service], ingressExample };
}
