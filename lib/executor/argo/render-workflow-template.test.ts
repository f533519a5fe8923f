import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { planRun, SERVING_INFER_TASK } from '@/lib/pipeline/definition';
import { STEPS, WORKER_STEP_NAMES } from '@/lib/pipeline/steps';
import type { TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';
import { STEP_RULES } from '@/lib/storage/access-rules';
import { withUpstream } from '@/workers/run-step';
import { closeObjects, K8S_VOCABULARY } from '@/test/argo-schema-utils';
import {
  ARGO_TEMPLATE_PLACEHOLDERS,
  argoParameterJson,
  argoWorkflowParameters,
  deidSecretName,
  labelValue,
  renderWorkflowTemplate,
  workflowTemplateJson,
} from './render-workflow-template';

/**
 * Argo's published JSON Schema (fixtures/argo, argoproj/argo-workflows@f016ad89, draft 2020-12). Its
 * object schemas allow any extra field; Kubernetes' strict field validation and `argo lint` do not,
 * so every object schema that lists its properties is closed here: a misspelt field fails the test.
 */
const SCHEMA_PATH = join(process.cwd(), 'fixtures', 'argo', 'api', 'jsonschema', 'schema.json');

function argoValidator() {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  closeObjects(schema.definitions);
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  ajv.addFormat('uint64', /^\d+$/);
  ajv.addVocabulary(K8S_VOCABULARY);
  ajv.addSchema(schema);
  const id = schema.$id as string;
  const root = ajv.getSchema(id)!;
  const template = ajv.getSchema(`${id}#/definitions/io.argoproj.workflow.v1alpha1.WorkflowTemplate`)!;
  const errors = (v: typeof root, value: unknown) => (v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  return { root: (value: unknown) => errors(root, value), template: (value: unknown) => errors(template, value) };
}

interface Param {
  name: string;
  value?: string;
  valueFrom?: { path: string };
}
interface DagTask {
  name: string;
  template: string;
  dependencies?: string[];
  when?: string;
  arguments: { parameters: Param[] };
}
interface Tmpl {
  name: string;
  dag?: { tasks: DagTask[] };
  inputs?: { parameters: Param[]; artifacts: { name: string; path: string; raw: { data: string } }[] };
  outputs?: { parameters: Param[] };
  serviceAccountName?: string;
  retryStrategy?: { limit: string; backoff: { duration: string; factor: string } };
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  container?: { image: string; command: string[]; args: string[]; env?: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[]; resources?: { limits: Record<string, string> } };
}
interface Rendered {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { entrypoint: string; arguments: { parameters: Param[] }; templates: Tmpl[] };
}

const rendered = renderWorkflowTemplate({ namespace: 'research', image: `registry.example/segflow-worker@sha256:${'ab'.repeat(32)}` }) as unknown as Rendered;
const templates = new Map(rendered.spec.templates.map((t) => [t.name, t]));
const dag = templates.get(rendered.spec.entrypoint)!.dag!.tasks;
const stepTemplates = rendered.spec.templates.filter((t) => t.container);
const workerSteps: string[] = WORKER_STEP_NAMES;

describe('renderWorkflowTemplate', () => {
  const validate = argoValidator();

  it("is a WorkflowTemplate that Argo's JSON schema accepts, with no field the schema does not know", () => {
    expect(validate.template(rendered)).toEqual([]);
    expect(validate.root(rendered)).toEqual([]);
    expect(rendered.metadata).toMatchObject({ name: 'segflow-pipeline', namespace: 'research', labels: { 'segflow.io/pipeline-version': 'segflow-pipeline-1' } });
    // the closed schema does catch mistakes
    const typo = structuredClone(rendered) as unknown as { spec: { templates: Record<string, unknown>[] } };
    typo.spec.templates[1].retryStrateg = typo.spec.templates[1].retryStrategy;
    expect(validate.template(typo).join('\n')).toContain('must NOT have additional properties {"additionalProperty":"retryStrateg"}');
    const intLimit = structuredClone(rendered) as unknown as { spec: { templates: { retryStrategy?: { limit: unknown } }[] } };
    intLimit.spec.templates[1].retryStrategy!.limit = 2;
    expect(validate.template(intLimit).join('\n')).toContain('/retryStrategy/limit must be string');
  });

  it('refers only to parameters and task outputs Argo can resolve where they are used', () => {
    const workflowParams = new Set(rendered.spec.arguments.parameters.map((p) => p.name));
    const refs = (value: unknown) => [...JSON.stringify(value).matchAll(/\{\{([^}]+)\}\}/g)].map((m) => m[1]);
    for (const t of stepTemplates) {
      const inputs = new Set(t.inputs!.parameters.map((p) => p.name));
      for (const ref of refs(t)) {
        const [scope, kind, name] = ref.split('.');
        if (scope === 'workflow') expect(workflowParams.has(name), `${t.name}: ${ref}`).toBe(true);
        else expect(scope === 'inputs' && kind === 'parameters' && inputs.has(name), `${t.name}: ${ref}`).toBe(true);
      }
      // every input parameter is passed by every task that runs the template
      for (const task of dag.filter((d) => d.template === t.name)) expect(task.arguments.parameters.map((p) => p.name).sort()).toEqual([...inputs].sort());
    }
    const byName = new Map(dag.map((d) => [d.name, d]));
    const ancestors = (name: string): Set<string> => new Set((byName.get(name)!.dependencies ?? []).flatMap((d) => [d, ...ancestors(d)]));
    for (const task of dag) {
      for (const ref of refs(task)) {
        const [scope, a, b, c, d] = ref.split('.');
        if (scope === 'workflow') expect(workflowParams.has(b), `${task.name}: ${ref}`).toBe(true);
        else {
          expect(scope).toBe('tasks');
          expect(ancestors(task.name).has(a), `${task.name}: ${ref} (not an upstream task)`).toBe(true);
          expect([b, c, d]).toEqual(['outputs', 'parameters', 'result']);
          expect(templates.get(byName.get(a)!.template)!.outputs!.parameters.map((p) => p.name)).toContain('result');
        }
      }
    }
  });

  it("mirrors planRun(): the same task ids and dependencies as a run with a shadow, without the platform's manifest step", () => {
    const planned = planRun({ shadow: true }).filter((t) => t.step !== 'manifest');
    expect(dag.map((d) => d.name)).toEqual(planned.map((t) => t.id));
    for (const t of planned) {
      const task = dag.find((d) => d.name === t.id)!;
      expect(task.dependencies ?? [], t.id).toEqual(t.after);
      expect(task.template).toBe(t.step);
    }
    // the serving role (live or canary) is data in the invocation, never in a task name
    expect(JSON.stringify(rendered)).not.toMatch(/infer-(live|canary)|workflow\.parameters\.serving/);
    expect(STEPS.manifest.runsOn).toBe('platform');
    expect(templates.has('manifest')).toBe(false);
    expect(JSON.stringify(rendered)).not.toContain('invocation-manifest');
  });

  it('runs the shadow infer and compare only when the shadow parameter is "true"', () => {
    const conditional = dag.filter((d) => d.when).map((d) => d.name);
    expect(conditional).toEqual(['infer-shadow', 'compare']);
    for (const d of dag.filter((x) => x.when)) expect(d.when).toBe("'{{workflow.parameters.shadow}}' == 'true'");
    const params = Object.fromEntries(rendered.spec.arguments.parameters.map((p) => [p.name, p]));
    expect(params.shadow).toMatchObject({ value: 'false', enum: ['true', 'false'] });
    expect(params.serving).toBeUndefined();
    // invocations of the always-run tasks and the secret name must be supplied; the shadow ones default
    expect(rendered.spec.arguments.parameters.filter((p) => p.value === undefined).map((p) => p.name)).toEqual([
      'deid-secret-name',
      'invocation-ingest',
      'invocation-deidentify',
      'invocation-convert',
      'invocation-infer-serving',
    ]);
    // compare sees the serving infer's result under its task id, as the local executor passes it
    expect(templates.get('compare')!.container!.args).toContain('infer-serving=/work/upstream/infer-serving.json');
  });

  it('runs every worker step with `segflow step`, its invocation and upstream results as files, its result as the output parameter', () => {
    expect(stepTemplates.map((t) => t.name).sort()).toEqual([...workerSteps].sort());
    for (const t of stepTemplates) {
      expect(t.container!.image).toBe(`registry.example/segflow-worker@sha256:${'ab'.repeat(32)}`);
      expect([...t.container!.command, ...t.container!.args.slice(0, 4)].join(' ')).toBe('node bin/segflow.mjs step /work/invocation.json --result /tmp/result.json');
      expect(t.inputs!.artifacts[0]).toEqual({ name: 'invocation', path: '/work/invocation.json', raw: { data: '{{inputs.parameters.invocation}}' } });
      expect(t.outputs!.parameters).toEqual([{ name: 'result', valueFrom: { path: '/tmp/result.json' } }]);
      for (const a of t.inputs!.artifacts.slice(1)) expect(t.container!.args).toContain(`${a.name.slice('upstream-'.length)}=${a.path}`);
    }
    // a task receives the results of every task before it, as the local executor passes them
    expect(templates.get('infer')!.inputs!.parameters.map((p) => p.name)).toEqual(['invocation', 'upstream-ingest', 'upstream-deidentify', 'upstream-convert']);
  });

  it('retries each step as often as the step registry says, with its backoff', () => {
    for (const t of stepTemplates) {
      const { retry } = STEPS[t.name as keyof typeof STEPS];
      expect(t.retryStrategy!.limit).toBe(String(retry.maxAttempts - 1));
      expect(t.retryStrategy!.backoff).toEqual({ duration: `${retry.backoff.initialS}s`, factor: String(retry.backoff.factor), cap: `${retry.backoff.capS / 60}m` });
    }
  });

  it('runs each step under its own service account, one per STEP_RULES policy', () => {
    const accounts = stepTemplates.map((t) => t.serviceAccountName);
    expect(accounts).toEqual(stepTemplates.map((t) => `segflow-step-${t.name}`));
    for (const t of stepTemplates) expect(Object.keys(STEP_RULES)).toContain(t.name);
    // the policies without a template are for steps that do not run in a worker container
    const untemplated = Object.keys(STEP_RULES).filter((k) => !templates.has(k));
    for (const k of untemplated) expect(workerSteps, k).not.toContain(k);
    const custom = renderWorkflowTemplate({ ...ARGO_TEMPLATE_PLACEHOLDERS, serviceAccountPrefix: 'sf' }) as unknown as Rendered;
    expect(custom.spec.templates.filter((t) => t.container).map((t) => t.serviceAccountName)).toEqual(workerSteps.map((s) => `sf-${s}`));
  });

  it('gives the GPU to the infer step only, and the de-identification secret to the deidentify step only', () => {
    const gpu = stepTemplates.filter((t) => t.container!.resources?.limits['nvidia.com/gpu']).map((t) => t.name);
    expect(gpu).toEqual(['infer']);
    expect(gpu).toEqual(WORKER_STEP_NAMES.filter((s) => STEPS[s].resources.gpu > 0));
    const infer = templates.get('infer')!;
    expect(infer.container!.resources!.limits['nvidia.com/gpu']).toBe('1');
    expect(infer.nodeSelector).toBeDefined();
    expect(infer.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    for (const t of stepTemplates.filter((x) => x.name !== 'infer')) expect(t.nodeSelector ?? t.tolerations).toBeUndefined();

    const withSecret = stepTemplates.filter((t) => JSON.stringify(t).includes('secretKeyRef')).map((t) => t.name);
    expect(withSecret).toEqual(['deidentify']);
    expect(templates.get('deidentify')!.container!.env).toEqual([
      { name: 'SEGFLOW_DEID_SECRET', valueFrom: { secretKeyRef: { name: '{{workflow.parameters.deid-secret-name}}', key: 'secret' } } },
    ]);
    expect(deidSecretName('0B5E2C7A-1111-4111-8111-111111111111')).toBe('segflow-deid-0b5e2c7a-1111-4111-8111-111111111111');
  });

  it('refuses an image that is not pinned by digest', () => {
    expect(() => renderWorkflowTemplate({ namespace: 'segflow', image: 'ghcr.io/segflow/worker:latest' })).toThrow(/pinned by digest/);
  });

  it('sanitizes label values', () => {
    expect(labelValue('segflow-pipeline/1')).toBe('segflow-pipeline-1');
    expect(labelValue('/x y/')).toBe('x-y');
    expect(labelValue('a'.repeat(80))).toHaveLength(63);
  });

  it('deploy/argo/workflow-template.json is the rendering with the placeholder values (run scripts/generate-argo-template.ts)', () => {
    expect(ARGO_TEMPLATE_PLACEHOLDERS).toEqual({ namespace: 'segflow', image: `ghcr.io/segflow/worker@sha256:${'0'.repeat(64)}` });
    const file = readFileSync(join(process.cwd(), 'deploy', 'argo', 'workflow-template.json'), 'utf8');
    expect(file).toBe(workflowTemplateJson());
    expect(validate.template(JSON.parse(file))).toEqual([]);
  });
});

describe('invocations and upstream results through Argo parameters', () => {
  const run = { id: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222', studyId: '33333333-3333-4333-8333-333333333333' };
  const sha = (c: string) => c.repeat(64);
  const model = (role: 'live' | 'canary' | 'shadow') => ({ role, model: 'brain-tissue', version: role === 'shadow' ? '2.0.0' : '1.0.0', sha256: sha('c'), artifactKey: 'models/brain-tissue/x/model.onnx', spec: { labels: ['Grey {{Matter}}'] } });
  const invocations = (serving: 'live' | 'canary', shadow: boolean): Record<string, TStepInvocation> =>
    Object.fromEntries(
      planRun({ shadow })
        .filter((t) => t.step !== 'manifest')
        .map((t): [string, TStepInvocation] => [
          t.id,
          {
            step: t.step,
            task: t.id,
            run,
            kind: 'nifti' as const,
            inputs: [{ key: `raw-phi/${run.projectId}/${run.studyId}/Zoë.nii.gz`, versionId: null, sha256: sha('a'), size: 10 }],
            upstream: t.step === 'ingest' ? {} : { ingest: [] as TStepInvocation['upstream'][string] },
            ...(t.model ? { model: model(t.model === 'shadow' ? 'shadow' : serving) } : {}),
            params: t.step === 'deidentify' ? { deidOptions: {} } : t.step === 'compare' ? { labelsFrom: {} } : {},
          } as TStepInvocation,
        ]),
    );

  it('puts every invocation (upstream left empty) in a workflow parameter of its DAG task', () => {
    const invs = invocations('canary', true);
    const params = argoWorkflowParameters({ invocations: invs, deidSecretName: deidSecretName(run.projectId) });
    expect(Object.keys(params).sort()).toEqual(
      ['shadow', 'deid-secret-name', ...['ingest', 'deidentify', 'convert', 'infer-serving', 'infer-shadow', 'compare'].map((t) => `invocation-${t}`)].sort(),
    );
    expect(params).toMatchObject({ shadow: 'true', 'deid-secret-name': `segflow-deid-${run.projectId}` });
    expect(JSON.parse(params[`invocation-${SERVING_INFER_TASK}`])).toEqual({ ...invs[SERVING_INFER_TASK], upstream: {} });
    expect(JSON.parse(params['invocation-infer-serving']).model.role).toBe('canary');
    // every parameter the template requires is supplied
    const required = rendered.spec.arguments.parameters.filter((p) => p.value === undefined).map((p) => p.name);
    for (const name of required) expect(params[name], name).toBeDefined();

    const noShadow = argoWorkflowParameters({ invocations: invocations('live', false), deidSecretName: 'segflow-deid-x' });
    expect(noShadow.shadow).toBe('false');
    expect(noShadow['invocation-infer-shadow']).toBeUndefined();
    const { 'infer-serving': _serving, ...withoutServing } = invocations('live', false);
    expect(() => argoWorkflowParameters({ invocations: { ...withoutServing, 'infer-live': _serving }, deidSecretName: 'x' })).toThrow(/missing infer-serving; not in the plan: infer-live/);
  });

  it('encodes JSON so that Argo substitution leaves it alone: ASCII only, no {{', () => {
    const text = argoParameterJson({ name: 'Zoë {{x}} ☃', nested: { a: [{ b: '{{{' }] } });
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).not.toContain('{{');
    expect(JSON.parse(text)).toEqual({ name: 'Zoë {{x}} ☃', nested: { a: [{ b: '{{{' }] } });
  });

  it("merges upstream results into the invocation's upstream, and refuses a result that is not one", () => {
    const ref = { name: 'volume.nii.gz', key: 'derived/p/s/v.nii.gz', versionId: null, sha256: sha('b'), size: 5 };
    const merged = withUpstream({ step: 'convert', upstream: { ingest: [] } }, { deidentify: { outputs: [ref], info: {} } }) as { upstream: unknown };
    expect(merged.upstream).toEqual({ ingest: [], deidentify: [ref] });
    expect(() => withUpstream({ step: 'convert' }, { deidentify: { outputs: [{ key: 'x' }] } })).toThrow(/^upstream result of deidentify: outputs\.0\./);
    expect(() => withUpstream([], { deidentify: { outputs: [], info: {} } })).toThrow(/expected an object/);
  });

  describe('segflow step --upstream (child process, as the container runs it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-argo-step-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const volume: TStepResult = { outputs: [{ name: 'volume.nii.gz', key: `derived/${run.projectId}/${run.studyId}/runs/${run.id}/deidentify/volume.nii.gz`, versionId: 'v1', sha256: sha('d'), size: 1234 }], info: { note: 'Zoë {{x}}' } };

    it('hands the merged invocation to the step, and writes an Argo-safe result', () => {
      // what the raw input artifact writes to /work/invocation.json: the workflow parameter's text
      const params = argoWorkflowParameters({ invocations: invocations('live', false), deidSecretName: 'x' });
      writeFileSync(join(dir, 'invocation.json'), params['invocation-convert']);
      writeFileSync(join(dir, 'deidentify.json'), argoParameterJson(volume));
      writeFileSync(join(dir, 'ingest.json'), argoParameterJson({ outputs: [], info: {} }));
      const segflow = (args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'bin', 'segflow.mjs'), 'step', join(dir, 'invocation.json'), ...args], { encoding: 'utf8', timeout: 120_000 });

      // without the upstream result, convert has no volume to pass on
      const bare = segflow(['--result', join(dir, 'bare.json')]);
      expect(bare.status).toBe(1);
      expect(bare.stderr).toContain('deidentify wrote no volume.nii.gz');

      const res = segflow(['--result', join(dir, 'result.json'), '--upstream', `ingest=${join(dir, 'ingest.json')}`, '--upstream', `deidentify=${join(dir, 'deidentify.json')}`]);
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      const text = readFileSync(join(dir, 'result.json'), 'utf8');
      expect(text).not.toContain('{{');
      expect(JSON.parse(text)).toEqual({ outputs: volume.outputs, info: { passedThrough: true } });

      const bad = segflow(['--upstream', `deidentify=${join(dir, 'missing.json')}`]);
      expect(bad.status).toBe(2);
      expect(JSON.parse(bad.stderr.trim().split('\n').at(-1)!).error).toMatch(/^--upstream deidentify=.*missing\.json: ENOENT/);
    }, 240_000);
  });
});
