/**
 * Invocations and upstream results through Argo parameters (lib/executor/argo/argo-parameters.ts):
 * references in workflow parameters, far under Argo's size limits, and `segflow step` reading them as
 * the container does.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planRun, SERVING_INFER_TASK } from '@/lib/pipeline/definition';
import type { TObjectRef, TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';
import { storeInvocation, storeStepResult } from '@/lib/pipeline/step-exchange';
import { putObject } from '@/lib/storage/objects';
import { withUpstream } from '@/workers/run-step';
import { argoParameterJson, argoWorkflowParameters, deidSecretName } from './argo-parameters';
import { dag, rendered, stepTemplates } from './test/rendered-template';

/** `--result` and the ingest and deidentify upstreams, as Argo passes a convert step its files in `dir` */
const resultAndUpstreams = (dir: string) => [
  '--result',
  join(dir, 'result.json'),
  '--upstream',
  `ingest=${join(dir, 'ingest.json')}`,
  '--upstream',
  `deidentify=${join(dir, 'deidentify.json')}`,
];

describe('invocations and upstream results through Argo parameters', () => {
  const run = {
    id: '11111111-1111-4111-8111-111111111111',
    projectId: '22222222-2222-4222-8222-222222222222',
    studyId: '33333333-3333-4333-8333-333333333333',
  };
  const sha = (c: string) => c.repeat(64);
  const model = (role: 'live' | 'canary' | 'shadow') => ({
    role,
    model: 'brain-tissue',
    version: role === 'shadow' ? '2.0.0' : '1.0.0',
    sha256: sha('c'),
    artifactKey: 'models/brain-tissue/x/model.onnx',
    spec: { labels: ['Grey {{Matter}}'] },
  });
  const invocations = (shadow: boolean): Record<string, TStepInvocation> =>
    Object.fromEntries(
      planRun({ shadow })
        .filter((t) => t.step !== 'manifest')
        .map((t): [string, TStepInvocation] => [
          t.id,
          {
            step: t.step as TStepInvocation['step'],
            task: t.id,
            run,
            kind: 'nifti' as const,
            inputs: [{ key: `raw-phi/${run.projectId}/${run.studyId}/Zoë.nii.gz`, versionId: null, sha256: sha('a'), size: 10 }],
            upstream: t.step === 'ingest' ? {} : { ingest: [] as TStepInvocation['upstream'][string] },
            ...(t.model ? { model: model(t.model === 'shadow' ? 'shadow' : 'canary') } : {}),
            params: t.step === 'deidentify' ? { deidOptions: {} } : t.step === 'compare' ? { labelsFrom: {} } : {},
          } as TStepInvocation,
        ]),
    );

  const ref = (task: string): TObjectRef => ({
    key: `pipeline/${run.projectId}/invocations/${run.id}/${task}.json`,
    versionId: null,
    sha256: sha('f'),
    size: 900,
  });
  const refs = (shadow: boolean) => Object.fromEntries(Object.keys(invocations(shadow)).map((id) => [id, ref(id)]));

  it('puts a reference to every stored invocation in a workflow parameter of its DAG task', () => {
    const params = argoWorkflowParameters({ shadow: true, invocations: refs(true), deidSecretName: deidSecretName(run.projectId) });
    expect(Object.keys(params).sort()).toEqual(
      ['shadow', 'deid-secret-name', ...['ingest', 'deidentify', 'convert', 'infer-serving', 'infer-shadow', 'compare'].map((t) => `invocation-${t}`)].sort(),
    );
    expect(params).toMatchObject({ shadow: 'true', 'deid-secret-name': `segflow-deid-${run.projectId}` });
    expect(JSON.parse(params[`invocation-${SERVING_INFER_TASK}`])).toEqual(ref(SERVING_INFER_TASK));
    // every parameter the template requires is supplied
    const required = rendered.spec.arguments.parameters.filter((p) => p.value === undefined).map((p) => p.name);
    for (const name of required) expect(params[name], name).toBeDefined();

    const noShadow = argoWorkflowParameters({ shadow: false, invocations: refs(false), deidSecretName: 'segflow-deid-x' });
    expect(noShadow.shadow).toBe('false');
    expect(noShadow['invocation-infer-shadow']).toBeUndefined();
    expect(() => argoWorkflowParameters({ shadow: false, invocations: refs(true), deidSecretName: 'x' })).toThrow(/not in the plan: infer-shadow, compare/);
    expect(() => argoWorkflowParameters({ shadow: true, invocations: refs(false), deidSecretName: 'x' })).toThrow(/missing infer-shadow, compare/);
  });

  it("keeps a 1,000-instance run far under Argo's limits: every parameter, the workflow and each node stay small", () => {
    // the largest series tested: 1,000 DICOM instances; what the workflow holds does not grow with it
    const params = argoWorkflowParameters({ shadow: true, invocations: refs(true), deidSecretName: deidSecretName(run.projectId) });
    const inputs = Array.from({ length: 1000 }, (_, i) => ({
      key: `raw-phi/${run.projectId}/${run.studyId}/${'5'.repeat(36)}/${i}`,
      versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo',
      sha256: sha('a'),
      size: 525_000,
    }));
    const big = { ...invocations(true).ingest, kind: 'dicom' as const, inputs };
    expect(JSON.stringify(big).length).toBeGreaterThan(200_000); // what a parameter would have carried before
    const resultRef = argoParameterJson({
      key: `pipeline/${run.projectId}/results/deidentify/${run.id}/deidentify.json`,
      versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo',
      sha256: sha('b'),
      size: 400_000,
    });
    for (const [name, value] of Object.entries(params)) expect(value.length, name).toBeLessThan(1_024);
    // the submitted Workflow: the template's spec (Argo stores it in status.storedWorkflowTemplateSpec) and the arguments
    const workflow = JSON.stringify({
      spec: { arguments: { parameters: Object.entries(params).map(([name, value]) => ({ name, value })) } },
      status: { storedWorkflowTemplateSpec: rendered.spec },
    });
    // each node holds its inputs (invocation + every upstream result reference) and its output reference
    const nodes = dag.map((d) =>
      JSON.stringify({
        id: `segflow-run-x-${'9'.repeat(10)}`,
        name: `segflow-run-x.${d.name}`,
        inputs: {
          parameters: d.arguments.parameters.map((p) => ({ name: p.name, value: p.name === 'invocation' ? params[`invocation-${d.name}`] : resultRef })),
        },
        outputs: { parameters: [{ name: 'result', value: resultRef }] },
      }),
    );
    const total = workflow.length + nodes.reduce((n, x) => n + x.length, 0);
    // etcd's object limit is ~1.5 MB; Argo's node status offloading starts near 1 MB; a pod's template env var has 128 KB (v3.5)
    expect(total).toBeLessThan(100_000);
    for (const n of nodes) expect(n.length).toBeLessThan(8_000);
    for (const t of stepTemplates) expect(JSON.stringify(t).length + t.inputs!.parameters.length * resultRef.length).toBeLessThan(16_000);
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
    const volume: TStepResult = {
      outputs: [
        {
          name: 'volume.nii.gz',
          key: `derived/${run.projectId}/${run.studyId}/runs/${run.id}/deidentify/volume.nii.gz`,
          versionId: 'v1',
          sha256: sha('d'),
          size: 1234,
        },
      ],
      info: { note: 'Zoë {{x}}' },
    };

    it('hands the merged invocation to the step, and writes an Argo-safe result', () => {
      // what the raw input artifact writes to /work/invocation.json: the workflow parameter's text
      writeFileSync(join(dir, 'invocation.json'), argoParameterJson({ ...invocations(false).convert, upstream: {} }));
      writeFileSync(join(dir, 'deidentify.json'), argoParameterJson(volume));
      writeFileSync(join(dir, 'ingest.json'), argoParameterJson({ outputs: [], info: {} }));
      const segflow = (args: string[]) =>
        spawnSync(process.execPath, [join(process.cwd(), 'bin', 'segflow.mjs'), 'step', join(dir, 'invocation.json'), ...args], {
          encoding: 'utf8',
          timeout: 120_000,
        });

      // without the upstream result, convert has no volume to pass on
      const bare = segflow(['--result', join(dir, 'bare.json')]);
      expect(bare.status).toBe(1);
      expect(bare.stderr).toContain('deidentify wrote no volume.nii.gz');

      const res = segflow(resultAndUpstreams(dir));
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

  describe('segflow step --by-ref (child process, as the Argo container runs it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-argo-ref-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const segflow = (args: string[]) =>
      spawnSync(process.execPath, [join(process.cwd(), 'bin', 'segflow.mjs'), 'step', ...args], { encoding: 'utf8', timeout: 120_000, env: process.env });

    it('reads its invocation and upstream results from the bucket, checks them, and stores its result there', async () => {
      const inv = { ...invocations(false).convert, run: { ...run, id: randomUUID() }, upstream: {} };
      const volume: TStepResult = {
        outputs: [
          {
            name: 'volume.nii.gz',
            key: `derived/${run.projectId}/${run.studyId}/runs/${inv.run.id}/deidentify/volume.nii.gz`,
            versionId: null,
            sha256: sha('d'),
            size: 1234,
          },
        ],
        info: { note: 'Zoë {{x}}' },
      };
      writeFileSync(join(dir, 'invocation.json'), argoParameterJson(await storeInvocation(inv)));
      writeFileSync(
        join(dir, 'ingest.json'),
        argoParameterJson(await storeStepResult({ ...inv, step: 'ingest', task: 'ingest', params: {} } as TStepInvocation, { outputs: [], info: {} })),
      );
      const deidRef = await storeStepResult({ ...inv, step: 'deidentify', task: 'deidentify', params: { deidOptions: {} } } as TStepInvocation, volume);
      writeFileSync(join(dir, 'deidentify.json'), argoParameterJson(deidRef));
      const args = [join(dir, 'invocation.json'), '--by-ref', ...resultAndUpstreams(dir)];

      const res = segflow(args);
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      const out = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as TObjectRef;
      expect(out).toMatchObject({
        key: `pipeline/${run.projectId}/results/convert/${inv.run.id}/convert.json`,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const { loadStepResult } = await import('@/lib/pipeline/step-exchange');
      expect(await loadStepResult(out, 'convert')).toEqual({ outputs: volume.outputs, info: { passedThrough: true } });

      // an upstream result changed after its reference was taken: the reference names its version, so
      // the step reads the bytes the reference was taken of (a versioned bucket keeps them)
      await putObject({ key: deidRef.key, body: new TextEncoder().encode(argoParameterJson({ outputs: [], info: {} })) });
      expect(deidRef.versionId).toBeTruthy();
      expect(segflow(args).status).toBe(0);
      // where no version is recorded (a store without versioning), the change is refused, not run on (exit 2: not retried)
      writeFileSync(join(dir, 'deidentify.json'), argoParameterJson({ ...deidRef, versionId: null }));
      const tampered = segflow(args);
      expect(tampered.status).toBe(2);
      expect(JSON.parse(tampered.stderr.trim().split('\n').at(-1)!).error).toMatch(
        /^--upstream deidentify=.*: upstream result of deidentify \(pipeline\/.*\): SHA-256 is [0-9a-f]{64}, the reference says/,
      );
    }, 240_000);
  });
});
