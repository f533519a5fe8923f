import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { PriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '@/lib/config/config';
import { renderOptionsFrom, renderWorkflowTemplate } from '@/lib/executor/argo/render-workflow-template';
import { readClusterConfig, ZClusterConfig } from './cluster-config';
import { renderDeployFiles } from './render-deploy-files';

/**
 * deploy/k8s/ and deploy/kustomization.yaml: current with the code and deploy/cluster.json, and every
 * object valid against Kubernetes' schemas (the kubernetes-models validators: types, required fields,
 * enums, quantities; misspelt fields are caught by tsc, the manifests being typed with the same models).
 */
const DEPLOY = join(process.cwd(), 'deploy');
const config = readClusterConfig();
const rendered = renderDeployFiles(config);

type Validatable = { validate(): void };
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'scheduling.k8s.io/v1/PriorityClass': PriorityClass,
};

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
}

function objectsOf(path: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(join(DEPLOY, path), 'utf8'));
  for (const d of docs) expect(d.errors, path).toEqual([]);
  return docs.map((d) => d.toJS() as K8sObject);
}

function validationErrors(o: K8sObject): string | null {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) return `no Kubernetes model for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o as never).validate();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const k8sFiles = readdirSync(join(DEPLOY, 'k8s')).filter((f) => f.endsWith('.yaml'));
const allObjects = k8sFiles.flatMap((f) => objectsOf(`k8s/${f}`).map((o) => ({ file: f, o })));
type PodSpec = {
  securityContext: Record<string, unknown>;
  containers: { name: string; resources?: { requests?: object; limits?: object }; securityContext?: Record<string, unknown> }[];
  serviceAccountName?: string;
};
const podSpecs = allObjects.flatMap(({ o }) => {
  const spec = o.spec as { template?: { spec: PodSpec } } | undefined;
  return spec?.template ? [{ name: `${o.kind}/${o.metadata.name}`, spec: spec.template.spec }] : [];
});

describe('deploy/ for a cluster', () => {
  it('deploy/cluster.json is a valid cluster config, and a wrong one is refused naming the field', () => {
    expect(ZClusterConfig.safeParse(JSON.parse(readFileSync(join(DEPLOY, 'cluster.json'), 'utf8'))).success).toBe(true);
    const bad = ZClusterConfig.safeParse({ ...config, images: { ...config.images, worker: 'ghcr.io/segflow/worker:latest' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['images', 'worker']);
  });

  it('every generated file is current (run `npx tsx scripts/generate-deploy.ts`), and deploy/k8s/ holds nothing else', () => {
    for (const [path, text] of Object.entries(rendered)) expect(readFileSync(join(DEPLOY, path), 'utf8'), path).toBe(text);
    expect(k8sFiles.map((f) => `k8s/${f}`).sort()).toEqual(
      Object.keys(rendered)
        .filter((p) => p.startsWith('k8s/'))
        .sort(),
    );
  });

  it("every object validates against Kubernetes' schemas, and the validators do refuse a wrong object", () => {
    expect(allObjects.length).toBeGreaterThan(20);
    for (const { file, o } of allObjects) expect(validationErrors(o), `${file}: ${o.kind} ${o.metadata.name}`).toBeNull();
    const deployment = structuredClone(allObjects.find(({ o }) => o.kind === 'Deployment')!.o) as K8sObject & {
      spec: { replicas: unknown; template: { spec: PodSpec } };
    };
    deployment.spec.replicas = 'two';
    expect(validationErrors(deployment)).toContain('/spec/replicas must be integer');
    const quantity = structuredClone(allObjects.find(({ o }) => o.kind === 'Deployment')!.o) as K8sObject & { spec: { template: { spec: PodSpec } } };
    quantity.spec.template.spec.containers[0].resources = { limits: { memory: 'plenty' } };
    expect(validationErrors(quantity)).toContain('must match format "quantity"');
  });

  it('the kustomization applies every manifest and the WorkflowTemplate, never the example or the secret templates', () => {
    const k = objectsOf('kustomization.yaml')[0] as unknown as { kind: string; resources: string[] };
    expect(k.kind).toBe('Kustomization');
    const expected = [...k8sFiles.filter((f) => !/\.(example|template)\.yaml$/.test(f)).map((f) => `k8s/${f}`), 'argo/workflow-template.json'];
    expect([...k.resources].sort()).toEqual(expected.sort());
    for (const r of k.resources) expect(() => readFileSync(join(DEPLOY, r)), r).not.toThrow();
    for (const { o } of allObjects.filter(({ file }) => file === 'secrets.template.yaml')) {
      for (const v of Object.values((o.stringData ?? o.data) as Record<string, string>)) expect(v, o.metadata.name).toBe('');
    }
    // namespaced objects are in the configured namespace, which enforces the restricted Pod Security Standard
    for (const { o } of allObjects)
      if (!['Namespace', 'PriorityClass'].includes(o.kind)) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(config.namespace);
    const ns = allObjects.find(({ o }) => o.kind === 'Namespace')!.o;
    expect(ns.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('every pod is restricted-Pod-Security ready, with requests and limits', () => {
    expect(podSpecs.map((p) => p.name).sort()).toEqual(['Deployment/segflow-app', 'Deployment/segflow-executor', 'Job/segflow-migrate']);
    for (const { name, spec } of podSpecs) {
      expect(spec.securityContext, name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of spec.containers) {
        expect(c.securityContext, `${name} ${c.name}`).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
        });
        expect(Object.keys(c.resources?.requests ?? {}).sort(), `${name} ${c.name}`).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources?.limits ?? {}).sort(), `${name} ${c.name}`).toEqual(['cpu', 'memory']);
      }
    }
  });

  it('has a ServiceAccount for each service account the WorkflowTemplate names, bound to the role Argo executors need', () => {
    const template = renderWorkflowTemplate(renderOptionsFrom(config)) as {
      spec: { templates: { serviceAccountName?: string; synchronization?: { semaphores: { configMapKeyRef: { name: string; key: string } }[] } }[] };
    };
    const named = new Set(template.spec.templates.map((t) => t.serviceAccountName).filter(Boolean));
    const accounts = allObjects.filter(({ o }) => o.kind === 'ServiceAccount').map(({ o }) => o.metadata.name);
    for (const n of named) expect(accounts, n).toContain(n);
    const binding = allObjects.find(({ o }) => o.kind === 'RoleBinding' && o.metadata.name === 'segflow-step')!.o as unknown as {
      subjects: { name: string }[];
    };
    expect(binding.subjects.map((s) => s.name).sort()).toEqual([...named].sort());
    const step = allObjects.find(({ o }) => o.kind === 'ServiceAccount' && o.metadata.name === 'segflow-step-deidentify')!.o as K8sObject;
    expect((step.metadata as unknown as { annotations: Record<string, string> }).annotations).toMatchObject({
      'segflow.io/iam-policy': 'deploy/iam/step-deidentify.json',
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/segflow-step-deidentify',
    });
    // the semaphores the GPU templates take exist, sized from the config
    const refs = template.spec.templates.flatMap((t) => t.synchronization?.semaphores ?? []).map((s) => s.configMapKeyRef);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      const cm = allObjects.find(({ o }) => o.kind === 'ConfigMap' && o.metadata.name === r.name)?.o as { data: Record<string, string> } | undefined;
      expect(cm?.data[r.key], `${r.name}/${r.key}`).toMatch(/^\d+$/);
    }
  });

  it('lets the executor submit, read, stop and retry workflows in its namespace only, with a rotating projected token', () => {
    const role = allObjects.find(({ o }) => o.kind === 'Role' && o.metadata.name === 'segflow-executor')!.o as unknown as {
      rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    };
    const wf = role.rules.find((r) => r.resources.includes('workflows'))!;
    expect(wf.verbs).toEqual(expect.arrayContaining(['create', 'get', 'list', 'update']));
    expect(wf.verbs).not.toContain('delete');
    const dep = podSpecs.find((p) => p.name === 'Deployment/segflow-executor')!.spec as PodSpec & {
      volumes: { name: string; projected?: { sources: { serviceAccountToken?: { expirationSeconds: number } }[] } }[];
      containers: { env: { name: string; value?: string }[]; command: string[] }[];
    };
    expect(dep.containers[0].command).toEqual(['node', 'bin/segflow.mjs', 'executor']);
    const env = Object.fromEntries(dep.containers[0].env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ SEGFLOW_EXECUTOR: 'argo', ARGO_TOKEN_FILE: '/var/run/secrets/segflow/argo/token', ARGO_NAMESPACE: config.namespace });
    expect(env.ARGO_TOKEN).toBeUndefined();
    expect(dep.volumes.find((v) => v.name === 'argo-token')!.projected!.sources[0].serviceAccountToken!.expirationSeconds).toBe(3600);
    const app = podSpecs.find((p) => p.name === 'Deployment/segflow-app')!.spec as unknown as { containers: { env: { name: string; value?: string }[] }[] };
    expect(app.containers[0].env).toContainEqual({ name: 'SEGFLOW_EXECUTOR', value: 'none' });
    // what the two processes make of their environment: the app takes no runs and submits them for
    // Argo (the executor claims only executor='argo' runs); the executor's liveness file is writable
    const appEnv = Object.fromEntries(app.containers[0].env.map((e) => [e.name, e.value]));
    expect(parseConfig(appEnv).executor).toMatchObject({ kind: 'argo', takesRuns: false });
    const executorConfig = parseConfig({ ...env, ARGO_TOKEN_FILE: '/var/run/secrets/segflow/argo/token' }).executor;
    expect(executorConfig).toMatchObject({ kind: 'argo', takesRuns: true, healthFile: '/tmp/executor-health.json' });
    const container = dep.containers[0] as unknown as { livenessProbe?: { exec?: { command: string[] } }; volumeMounts: { mountPath: string }[] };
    expect(container.livenessProbe?.exec?.command).toEqual(['node', 'bin/segflow.mjs', 'executor', '--check']);
    expect(container.volumeMounts.map((m) => m.mountPath)).toContain('/tmp');
  });

  it('denies all traffic by default; pipeline steps reach no database', () => {
    const policies = allObjects
      .filter(({ o }) => o.kind === 'NetworkPolicy')
      .map(
        ({ o }) =>
          o as unknown as {
            metadata: { name: string };
            spec: { podSelector: object; policyTypes: string[]; ingress?: unknown[]; egress?: { ports?: { port: number }[] }[] };
          },
      );
    const deny = policies.find((p) => p.metadata.name === 'segflow-default-deny')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const steps = policies.find((p) => p.metadata.name === 'segflow-steps')!;
    expect(steps.spec.ingress).toBeUndefined();
    expect(steps.spec.egress!.flatMap((e) => e.ports ?? []).map((p) => p.port)).not.toContain(5432);
  });
});
