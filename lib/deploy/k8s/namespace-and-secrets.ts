import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { TClusterConfig } from '../cluster-config';
import { APP_CONFIG_MAP, APP_SECRET, ARGO_CA_CONFIG_MAP, DB_OWNER_SECRET, PART_OF } from './labels';
import { storageSettings } from './pipeline-steps';

/** The namespace, enforcing the restricted Pod Security Standard on everything in it. */
export function namespace(c: TClusterConfig): INamespace {
  const pss = Object.fromEntries(['enforce', 'audit', 'warn'].map((m) => [`pod-security.kubernetes.io/${m}`, 'restricted']));
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: c.namespace, labels: { 'app.kubernetes.io/name': 'segflow', ...PART_OF, ...pss } } };
}

/** The app's and the executor's settings that are not secret (README, "Production settings"). */
export function appConfigMap(c: TClusterConfig): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: APP_CONFIG_MAP, namespace: c.namespace, labels: { 'app.kubernetes.io/name': 'segflow', ...PART_OF } },
    data: { ...storageSettings(c), SEGFLOW_DEMO_RUN: 'false' },
  };
}

/**
 * Secrets as templates, without values: fill them in (or create them with `kubectl create secret`,
 * an external secrets operator, sealed secrets) — never commit the filled-in file. Not in the
 * kustomization, so applying it can never blank a real Secret.
 */
export function secretTemplates(c: TClusterConfig): (ISecret | IConfigMap)[] {
  const meta = (name: string) => ({ name, namespace: c.namespace, labels: { 'app.kubernetes.io/name': 'segflow', ...PART_OF } });
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...meta(APP_SECRET),
        annotations: {
          'segflow.io/values':
            'DATABASE_URL as the app role (owns nothing); NEXTAUTH_SECRET: 32+ random bytes; SEGFLOW_MANIFEST_SIGNING_KEY: Ed25519 PKCS#8 PEM; OIDC_* when single sign-on is used',
        },
      },
      type: 'Opaque',
      stringData: { DATABASE_URL: '', NEXTAUTH_SECRET: '', SEGFLOW_MANIFEST_SIGNING_KEY: '', OIDC_ISSUER: '', OIDC_CLIENT_ID: '', OIDC_CLIENT_SECRET: '' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { ...meta(DB_OWNER_SECRET), annotations: { 'segflow.io/values': 'DATABASE_URL as the owner of the schema: used by the migration Job only' } },
      type: 'Opaque',
      stringData: { DATABASE_URL: '' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...meta('segflow-deid-project-id'),
        annotations: { 'segflow.io/values': "one per project: name segflow-deid-<project id>, key secret = the project's projects.deid_secret" },
      },
      type: 'Opaque',
      stringData: { secret: '' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...meta(ARGO_CA_CONFIG_MAP), annotations: { 'segflow.io/values': "ca.crt: the PEM CA bundle that signed the Argo Server's certificate" } },
      data: { 'ca.crt': '' },
    },
  ];
}
