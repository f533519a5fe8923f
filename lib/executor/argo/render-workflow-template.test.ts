import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { planRun } from '@/lib/pipeline/definition';
import { STEPS } from '@/lib/pipeline/steps';
import { STEP_RULES } from '@/lib/storage/access-rules';
import { argoValidationErrors, simulateDag } from '@/test/argo-dag-sim';
import { closeObjects, K8S_VOCABULARY } from '@/test/argo-schema-utils';
import { deidSecretName, labelValue } from './argo-parameters';
import { renderOptionsFrom, renderWorkflowTemplate, workflowDeadlineSeconds, workflowTemplateJson } from './render-workflow-template';
import { IMAGE, cluster, dag, rendered, stepOf, stepTemplates, templates, workerSteps, type DagTask, type Rendered } from './test/rendered-template';

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
  const errors = (v: typeof root, value: unknown) =>
    v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  return { root: (value: unknown) => errors(root, value), template: (value: unknown) => errors(template, value) };
}

describe('renderWorkflowTemplate', () => {
  const validate = argoValidator();

  it("is a WorkflowTemplate that Argo's JSON schema accepts, with no field the schema does not know", () => {
    expect(validate.template(rendered)).toEqual([]);
    expect(validate.root(rendered)).toEqual([]);
    expect(rendered.metadata).toMatchObject({
      name: 'segflow-pipeline',
      namespace: 'research',
      labels: { 'segflow.io/pipeline-version': 'segflow-pipeline-1' },
    });
    // the closed schema does catch mistakes
    const typo = structuredClone(rendered) as unknown as { spec: { templates: Record<string, unknown>[] } };
    typo.spec.templates[1].retryStrateg = typo.spec.templates[1].retryStrategy;
    expect(validate.template(typo).join('\n')).toContain('must NOT have additional properties {"additionalProperty":"retryStrateg"}');
    const intLimit = structuredClone(rendered) as unknown as { spec: { templates: { retryStrategy?: { limit: unknown } }[] } };
    intLimit.spec.templates[1].retryStrategy!.limit = 2;
    expect(validate.template(intLimit).join('\n')).toContain('/retryStrategy/limit must be string');
  });

  it("passes Argo's validation of DAG task groups (depends only, no continueOn beside it)", () => {
    expect(argoValidationErrors(dag)).toEqual([]);
    expect(dag.every((d) => d.dependencies === undefined && d.continueOn === undefined)).toBe(true);
    expect(argoValidationErrors([{ name: 'a' }, { name: 'b', depends: 'a', continueOn: { failed: true } }])).toHaveLength(1);
  });

  it('refers only to parameters and task outputs Argo can resolve where they are used', () => {
    const workflowParams = new Set(rendered.spec.arguments.parameters.map((p) => p.name));
    const refs = (value: unknown) => [...JSON.stringify(value).matchAll(/\{\{([^}]+)\}\}/g)].map((m) => m[1]);
    const argoVars = new Set(['status', 'duration']); // template metrics' own variables
    for (const t of stepTemplates) {
      const inputs = new Set(t.inputs!.parameters.map((p) => p.name));
      for (const ref of refs(t)) {
        const [scope, kind, name] = ref.split('.');
        if (argoVars.has(ref)) continue;
        if (scope === 'workflow') expect(workflowParams.has(name), `${t.name}: ${ref}`).toBe(true);
        else expect(scope === 'inputs' && kind === 'parameters' && inputs.has(name), `${t.name}: ${ref}`).toBe(true);
      }
      // every input parameter is passed by the task that runs the template
      for (const task of dag.filter((d) => d.template === t.name)) expect(task.arguments.parameters.map((p) => p.name).sort()).toEqual([...inputs].sort());
    }
    const byName = new Map(dag.map((d) => [d.name, d]));
    const deps = (d: DagTask) => [...(d.depends ?? '').matchAll(/([a-z][-a-z]*)\.[A-Z]/g)].map((m) => m[1]);
    const ancestors = (name: string): Set<string> => new Set(deps(byName.get(name)!).flatMap((d) => [d, ...ancestors(d)]));
    for (const task of dag) {
      for (const ref of refs(task)) {
        const [scope, a, b, c, d] = ref.split('.');
        if (scope === 'workflow') expect(workflowParams.has(b), `${task.name}: ${ref}`).toBe(true);
        else {
          expect(scope).toBe('tasks');
          expect(ancestors(task.name).has(a), `${task.name}: ${ref} (not an upstream task)`).toBe(true);
          if (b === 'status') continue;
          expect([b, c, d]).toEqual(['outputs', 'parameters', 'result']);
          expect(templates.get(byName.get(a)!.template)!.outputs!.parameters.map((p) => p.name)).toContain('result');
        }
      }
    }
  });

  it("mirrors planRun(): the same tasks (by the same ids) and dependencies as a run with a shadow, without the platform's manifest step", () => {
    {
      const planned = planRun({ shadow: true }).filter((t) => t.step !== 'manifest');
      expect(dag.map((d) => d.name)).toEqual(planned.map((t) => t.id));
      for (const t of planned) {
        const task = dag.find((d) => d.name === t.id)!;
        const deps = [...(task.depends ?? '').matchAll(/([a-z][-a-z]*)\.Succeeded/g)].map((m) => m[1]);
        expect(deps, t.id).toEqual(t.after);
        expect(stepOf(templates.get(task.template)!)).toBe(t.step);
      }
    }
    expect(STEPS.manifest.runsOn).toBe('platform');
    expect(templates.has('manifest')).toBe(false);
    expect(JSON.stringify(rendered)).not.toContain('invocation-manifest');
  });

  it('runs the shadow infer and compare only with a shadow, and compare only after the shadow succeeded', () => {
    expect(dag.filter((d) => d.when).map((d) => d.name)).toEqual(['infer-shadow', 'compare']);
    expect(dag.find((d) => d.name === 'infer-shadow')!.when).toBe("'{{workflow.parameters.shadow}}' == 'true'");
    expect(dag.find((d) => d.name === 'compare')).toMatchObject({
      depends: 'infer-serving.Succeeded && (infer-shadow.Succeeded || infer-shadow.Skipped || infer-shadow.Failed || infer-shadow.Errored)',
      when: "'{{workflow.parameters.shadow}}' == 'true' && '{{tasks.infer-shadow.status}}' == 'Succeeded'",
    });
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
    // compare sees the serving infer's result under its own task id: nothing is translated
    expect(templates.get('compare')!.container!.args).toContain('infer-serving=/work/upstream/infer-serving.json');
  });

  describe("on Argo's DAG semantics (test/argo-dag-sim.ts)", () => {
    const run = (shadow: boolean, failing: Record<string, 'Failed' | 'Error'> = {}) =>
      simulateDag(dag, { shadow: String(shadow) }, (t) => failing[t] ?? 'Succeeded');

    it('a run with a shadow runs every task and succeeds; without one, the shadow tasks are skipped', () => {
      expect(run(true)).toEqual({ phases: Object.fromEntries(dag.map((d) => [d.name, 'Succeeded'])), dagPhase: 'Succeeded', unresolved: [] });
      expect(run(false)).toMatchObject({
        phases: { 'infer-serving': 'Succeeded', 'infer-shadow': 'Skipped', compare: 'Skipped' },
        dagPhase: 'Succeeded',
        unresolved: [],
      });
    });

    it('a failed shadow neither hangs nor fails the workflow: compare is skipped and never reads its output', () => {
      for (const how of ['Failed', 'Error'] as const) {
        expect(run(true, { 'infer-shadow': how })).toMatchObject({
          phases: { 'infer-serving': 'Succeeded', 'infer-shadow': how, compare: 'Skipped' },
          dagPhase: 'Succeeded',
          unresolved: [],
        });
      }
      expect(run(true, { compare: 'Failed' })).toMatchObject({ dagPhase: 'Failed' });
      // the template before this fix (dependencies + continueOn) made Argo wait forever for the failed shadow's result
      const before = dag.map(({ depends, when, ...d }) => ({
        ...d,
        when: when?.replace(/ && '\{\{tasks[^&]*$/, ''),
        dependencies: [...(depends ?? '').matchAll(/([a-z][-a-z]*)\.Succeeded/g)].map((m) => m[1]),
        ...(d.name.includes('shadow') || d.name === 'compare' ? { continueOn: { failed: true, error: true } } : {}),
      }));
      expect(simulateDag(before, { shadow: 'true' }, (t) => (t === 'infer-shadow' ? 'Failed' : 'Succeeded'))).toMatchObject({
        dagPhase: 'Hung',
        unresolved: [expect.stringContaining('compare: {{tasks.infer-shadow.outputs.parameters.result}}')],
      });
    });

    it('a failed serving path fails the workflow, whatever the shadow did', () => {
      expect(run(true, { 'infer-serving': 'Failed' })).toMatchObject({
        phases: { 'infer-shadow': 'Succeeded', compare: 'Omitted' },
        dagPhase: 'Failed',
        unresolved: [],
      });
      expect(run(false, { 'infer-serving': 'Error' })).toMatchObject({ dagPhase: 'Error' });
      expect(run(true, { deidentify: 'Failed' })).toMatchObject({
        phases: { convert: 'Omitted', 'infer-serving': 'Omitted', 'infer-shadow': 'Omitted', compare: 'Omitted' },
        dagPhase: 'Failed',
      });
    });
  });

  it('runs every worker task with `segflow step --by-ref`, its invocation and upstream results as reference files, its result reference as the output parameter', () => {
    expect(stepTemplates.map((t) => t.name)).toEqual(dag.map((d) => d.name));
    expect([...new Set(stepTemplates.map(stepOf))].sort()).toEqual([...workerSteps].sort());
    for (const t of stepTemplates) {
      expect(t.container!.image).toBe(IMAGE);
      expect([...t.container!.command, ...t.container!.args.slice(0, 5)].join(' ')).toBe(
        'node bin/segflow.mjs step /work/invocation.json --by-ref --result /tmp/result.json',
      );
      expect(t.inputs!.artifacts[0]).toEqual({ name: 'invocation', path: '/work/invocation.json', raw: { data: '{{inputs.parameters.invocation}}' } });
      expect(t.outputs!.parameters).toEqual([{ name: 'result', valueFrom: { path: '/tmp/result.json' } }]);
      for (const a of t.inputs!.artifacts.slice(1)) expect(t.container!.args).toContain(`${a.name.slice('upstream-'.length)}=${a.path}`);
    }
    // a task receives the results of every task before it, as the local executor passes them
    expect(templates.get('infer-serving')!.inputs!.parameters.map((p) => p.name)).toEqual([
      'invocation',
      'upstream-ingest',
      'upstream-deidentify',
      'upstream-convert',
    ]);
  });

  it('retries each step as often as STEPS says, with capped backoff, and ends a stuck step and a stuck run', () => {
    for (const t of stepTemplates) {
      const { retry, timeoutS } = STEPS[stepOf(t)];
      expect(t.retryStrategy!.limit).toBe(String(retry.maxAttempts - 1));
      expect(t.retryStrategy!.expression).toBe('asInt(lastRetry.exitCode) != 2 && asInt(lastRetry.exitCode) != 3');
      expect(t.retryStrategy!.backoff).toEqual({
        duration: `${retry.backoff.initialS}s`,
        factor: String(retry.backoff.factor),
        cap: `${retry.backoff.capS / 60}m`,
        maxDuration: `${retry.backoff.maxDurationS / 3600}h`,
      });
      // counted from the pod's creation: a pod Pending on a missing GPU, image or Secret fails
      expect(t.timeout).toBe(`${timeoutS}s`);
    }
    // the slowest path at its worst: ingest, deidentify, convert, the shadow infer (or serving), compare
    expect(rendered.spec.activeDeadlineSeconds).toBe(workflowDeadlineSeconds());
    expect(workflowDeadlineSeconds()).toBe(21_600);
    expect(rendered.spec.podGC).toEqual({ strategy: 'OnPodSuccess' });
    expect(rendered.spec.ttlStrategy).toEqual({ secondsAfterSuccess: 86_400, secondsAfterFailure: 604_800 });
  });

  it('runs each step under its own service account, one per STEP_RULES policy', () => {
    for (const t of stepTemplates) expect(t.serviceAccountName).toBe(`segflow-step-${stepOf(t)}`);
    for (const t of stepTemplates) expect(Object.keys(STEP_RULES)).toContain(stepOf(t));
    const custom = renderWorkflowTemplate({ ...renderOptionsFrom(cluster), serviceAccountPrefix: 'sf' }) as unknown as Rendered;
    expect(new Set(custom.spec.templates.filter((t) => t.container).map((t) => t.serviceAccountName))).toEqual(new Set(workerSteps.map((s) => `sf-${s}`)));
  });

  it('gives requests and limits to every step, the restricted Pod Security profile, and a writable /tmp only', () => {
    for (const t of stepTemplates) {
      const rt = STEPS[stepOf(t)].resources;
      expect(t.container!.resources.requests, t.name).toEqual(rt.requests);
      expect(t.container!.resources.limits, t.name).toMatchObject(rt.limits);
      expect(t.securityContext, t.name).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      expect(t.container!.securityContext, t.name).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(t.container!.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(t.metrics!.prometheus.map((m) => m.name)).toEqual(['segflow_step_duration_seconds', 'segflow_step_results_total']);
      expect(t.metrics!.prometheus[0].labels).toContainEqual({ key: 'status', value: '{{status}}' });
    }
  });

  it('gives a GPU to the infer tasks only, capped by semaphores, and puts shadow work after the serving path', () => {
    const gpu = stepTemplates.filter((t) => t.container!.resources.limits[cluster.gpu.resource]).map((t) => t.name);
    expect(gpu).toEqual(['infer-serving', 'infer-shadow']);
    for (const name of gpu) {
      const t = templates.get(name)!;
      expect(t.container!.resources.limits[cluster.gpu.resource]).toBe('1');
      expect(t.nodeSelector).toEqual(cluster.gpu.nodeSelector);
      expect(t.tolerations).toEqual(cluster.gpu.tolerations);
    }
    for (const t of stepTemplates.filter((x) => !gpu.includes(x.name))) expect(t.nodeSelector ?? t.tolerations ?? t.synchronization).toBeUndefined();
    const keys = (n: string) => templates.get(n)!.synchronization!.semaphores.map((s) => `${s.configMapKeyRef.name}/${s.configMapKeyRef.key}`);
    expect(keys('infer-serving')).toEqual(['segflow-synchronization/gpu']);
    expect(keys('infer-shadow')).toEqual(['segflow-synchronization/gpu', 'segflow-synchronization/gpu-shadow']);
    expect(rendered.spec.podPriorityClassName).toBe(cluster.priorityClasses.live.name);
    expect(stepTemplates.filter((t) => t.priorityClassName).map((t) => [t.name, t.priorityClassName])).toEqual([
      ['infer-shadow', cluster.priorityClasses.shadow.name],
      ['compare', cluster.priorityClasses.shadow.name],
    ]);
  });

  it('gives the de-identification secret to the deidentify step only', () => {
    const withSecret = stepTemplates.filter((t) => JSON.stringify(t).includes('secretKeyRef')).map((t) => t.name);
    expect(withSecret).toEqual(['deidentify']);
    expect(templates.get('deidentify')!.container!.env).toEqual([
      { name: 'SEGFLOW_DEID_SECRET', valueFrom: { secretKeyRef: { name: '{{workflow.parameters.deid-secret-name}}', key: 'secret' } } },
    ]);
    expect(deidSecretName('0B5E2C7A-1111-4111-8111-111111111111')).toBe('segflow-deid-0b5e2c7a-1111-4111-8111-111111111111');
  });

  it('refuses an image that is not pinned by digest', () => {
    expect(() => renderWorkflowTemplate({ ...renderOptionsFrom(cluster), image: 'ghcr.io/segflow/worker:latest' })).toThrow(/pinned by digest/);
  });

  it('sanitizes label values', () => {
    expect(labelValue('segflow-pipeline/1')).toBe('segflow-pipeline-1');
    expect(labelValue('/x y/')).toBe('x-y');
    expect(labelValue('a'.repeat(80))).toHaveLength(63);
  });

  it('deploy/argo/workflow-template.json is the rendering with deploy/cluster.json (run scripts/generate-deploy.ts)', () => {
    const file = readFileSync(join(process.cwd(), 'deploy', 'argo', 'workflow-template.json'), 'utf8');
    expect(file).toBe(workflowTemplateJson(cluster));
    expect(validate.template(JSON.parse(file))).toEqual([]);
  });
});
