import { z } from 'zod';
import { ZDicomIndexFacts } from '../dicomweb/index-facts';
import { ZRunChecks } from '../../db/schema/run-json';
import { ZMaskComparison } from '../metrics/compare-labelmaps';
import type { AccessRule } from '../storage/access-rules';

/**
 * The step registry: every pipeline step declared once — what it is given (params) and answers
 * (info), the outputs it writes (by name), what it may do in the bucket, the resources it needs, how
 * often it is tried and for how long. Everything else is derived from here:
 * - `StepName` / `WorkerStepName` and the invocation schema (lib/pipeline/step-contract.ts);
 * - the worker's handler map (workers/run-step.ts: `satisfies StepHandlers`);
 * - the IAM step policies and the app's key checks (STEP_RULES in lib/storage/access-rules.ts → deploy/iam/);
 * - the Argo WorkflowTemplate's step templates (lib/executor/argo/render-workflow-template.ts → deploy/argo/);
 * - the executors' attempts, backoff and timeouts, and the viewer's output lookup (stepOutput()).
 *
 * Adding a step: declare it here, write its handler (workers/steps/<name>.ts), add it to the DAG in
 * lib/pipeline/definition.ts; the compiler then names every other place that must handle it.
 */

/**
 * Kubernetes resource quantities of one step's container: requests (what the scheduler reserves) and
 * limits (where the kernel stops it); the GPU count is both. Numbers: the 256³ brain-tissue model
 * holds ~3 GB in onnxruntime on CPU; a 1,000-instance CT series is ~0.5 GB of DICOM, de-identified
 * one instance at a time.
 */
export interface StepResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** NVIDIA GPUs (nvidia.com/gpu); 0 for CPU steps */
  gpu: number;
}

/**
 * attempts in all, and the wait before attempt n+1: min(initialS × factor^(n-1), capS); no new
 * attempt once maxDurationS have passed since the first
 */
export interface StepRetry {
  maxAttempts: number;
  backoff: { initialS: number; factor: number; capS: number; maxDurationS: number };
}

/** An output a step writes under derived/…/runs/<run>/<task>/: one named file, or a numbered series of them. */
export type StepOutputDecl = { file: string; contentType: string } | { files: (n: number) => string; matches: RegExp; contentType: string };

export interface StepDecl<
  R extends 'worker' | 'platform' = 'worker' | 'platform',
  P extends z.ZodObject = z.ZodObject,
  I extends z.ZodObject = z.ZodObject,
  O extends Record<string, StepOutputDecl> = Record<string, StepOutputDecl>,
> {
  /** what it does, for the UI and the rendered templates */
  summary: string;
  /** worker: a container (Argo) or a child process (local); platform: done by segflow itself (it holds the signing key) */
  runsOn: R;
  /** the step-specific part of its invocation (`params`) */
  params: P;
  /** the facts its result carries (`info`): for the run page, the manifest and the platform's records */
  info: I;
  outputs: O;
  /** what its service account may do in the bucket (ADR-02); `{project}` is the run's project */
  storage: AccessRule[];
  resources: StepResources;
  retry: StepRetry;
  /** one attempt's limit: the local executor kills the step's process group, Argo the pod */
  timeoutS: number;
}

function defineStep<R extends 'worker' | 'platform', P extends z.ZodObject, I extends z.ZodObject, O extends Record<string, StepOutputDecl>>(
  d: StepDecl<R, P, I, O>,
): StepDecl<R, P, I, O> {
  return d;
}

/** transient failures (a store hiccup, a node going away) are retried; 3 attempts, 10 s then 20 s apart */
const RETRY: StepRetry = { maxAttempts: 3, backoff: { initialS: 10, factor: 2, capS: 300, maxDurationS: 3600 } };

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

const ZDeidOptions = z.record(z.string(), z.unknown());
const ZHeldBack = z.object({ input: z.number().int(), reason: z.string() });

export const STEPS = {
  ingest: defineStep({
    summary: 'check every uploaded object against its recorded size and SHA-256, and its header',
    runsOn: 'worker',
    params: z.object({}),
    info: z.object({ objects: z.number().int(), bytes: z.number().int() }),
    outputs: {},
    storage: [{ prefix: 'raw-phi/{project}/', actions: ['get', 'list'], why: 'CheckUploads' }, ...exchangeRules('ingest')],
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' }, gpu: 0 },
    retry: RETRY,
    timeoutS: 15 * 60,
  }),
  deidentify: defineStep({
    summary: 'PS3.15 Basic Profile (DICOM) or header scrub (NIfTI) into derived/',
    runsOn: 'worker',
    params: z.object({ deidOptions: ZDeidOptions }),
    info: z.object({
      kind: z.enum(['dicom', 'nifti']),
      instances: z.number().int().optional(),
      heldBack: z.array(ZHeldBack).optional(),
      /** each written instance's DICOMweb index facts (lib/dicomweb), read from the de-identified bytes */
      dicom: z.array(ZDicomIndexFacts).optional(),
    }),
    outputs: {
      /** NIfTI input: the volume written anew */
      volume: { file: 'volume.nii.gz', contentType: 'application/gzip' },
      /** DICOM input: each instance that was not held back, numbered by its input position */
      instance: { files: (n: number) => `${String(n).padStart(5, '0')}.dcm`, matches: /^\d{5}\.dcm$/, contentType: 'application/dicom' },
    },
    storage: [
      { prefix: 'raw-phi/{project}/', actions: ['get', 'list'], why: 'ReadIdentifiedImages' },
      { prefix: 'derived/{project}/', actions: ['put'], why: 'WriteDeidentifiedCopy' },
      ...exchangeRules('deidentify'),
    ],
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' }, gpu: 0 },
    retry: RETRY,
    timeoutS: 30 * 60,
  }),
  convert: defineStep({
    summary: 'series to volume with its geometry (NIfTI passes through)',
    runsOn: 'worker',
    params: z.object({}),
    info: z.object({ passedThrough: z.boolean().optional(), dims: z.array(z.number()).optional(), spacing: z.array(z.number()).optional() }),
    outputs: { volume: { file: 'volume.nii.gz', contentType: 'application/gzip' } },
    storage: [{ prefix: 'derived/{project}/', actions: ['get', 'put'], why: 'SeriesToVolume' }, ...exchangeRules('convert')],
    resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' }, gpu: 0 },
    retry: RETRY,
    timeoutS: 15 * 60,
  }),
  // infer also postprocesses (labelmap on the source grid, NIfTI and DICOM SEG): lib/pipeline/definition.ts
  infer: defineStep({
    summary: 'segment with one model version; labelmap on the source grid as NIfTI, DICOM SEG for DICOM input, label volumes',
    runsOn: 'worker',
    /**
     * domainOverride: an operator's reason to segment an input outside the model's declared domain;
     * stated: what the researcher stated of a NIfTI volume (it carries no modality or body part)
     */
    params: z.object({
      domainOverride: z.object({ reason: z.string() }).optional(),
      stated: z.object({ modality: z.string().nullable(), bodyPart: z.string().nullable() }).optional(),
    }),
    info: z.object({
      role: z.enum(['live', 'canary', 'shadow']),
      model: z.string(),
      provider: z.string(),
      labelVolumesMl: z.record(z.string(), z.number()),
      timingsMs: z.number(),
      segSkipped: z.string().optional(),
      /** the input-domain checks (passed or not-checked: a failed one refuses the run) and the output-plausibility checks */
      checks: ZRunChecks.default([]),
      /** implausible outputs, one sentence each: the run succeeds flagged with them */
      warnings: z.array(z.string()).default([]),
      /** the SEG's DICOMweb index facts (lib/dicomweb) */
      segDicom: ZDicomIndexFacts.optional(),
    }),
    outputs: {
      mask: { file: 'mask.nii.gz', contentType: 'application/gzip' },
      seg: { file: 'seg.dcm', contentType: 'application/dicom' },
      volumes: { file: 'volumes.json', contentType: 'application/json' },
    },
    storage: [
      { prefix: 'derived/{project}/', actions: ['get', 'put'], why: 'ReadVolumeWriteMasks' },
      { prefix: 'models/', actions: ['get'], why: 'LoadModel' },
      ...exchangeRules('infer'),
    ],
    resources: { requests: { cpu: '2', memory: '6Gi' }, limits: { cpu: '4', memory: '8Gi' }, gpu: 1 },
    retry: RETRY,
    // counted from the pod's creation under Argo: a GPU node may take minutes to come up (autoscaler)
    timeoutS: 45 * 60,
  }),
  compare: defineStep({
    summary: 'Dice, HD95 and volume difference per label, shadow vs serving mask; the difference labelmap and the disagreement per slice',
    runsOn: 'worker',
    /** labelsFrom: the serving model's spec, whose labels are compared */
    params: z.object({ labelsFrom: z.record(z.string(), z.unknown()) }),
    info: z.object({ meanDice: z.number(), metrics: ZMaskComparison }),
    outputs: {
      metrics: { file: 'metrics.json', contentType: 'application/json' },
      /** the per-voxel difference labelmap (lib/metrics/mask-difference.ts: 1 agree, 2 live-only, 3 shadow-only, 4 label differs) */
      diff: { file: 'diff.nii.gz', contentType: 'application/gzip' },
      /** differing voxels per slice along the slice axis, per label and in total (ZDisagreementProfile) */
      profile: { file: 'disagreement.json', contentType: 'application/json' },
    },
    storage: [{ prefix: 'derived/{project}/', actions: ['get', 'put'], why: 'CompareMasks' }, ...exchangeRules('compare')],
    resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' }, gpu: 0 },
    retry: RETRY,
    timeoutS: 15 * 60,
  }),
  manifest: defineStep({
    summary: 'the signed provenance record, written once to manifests/',
    runsOn: 'platform',
    params: z.object({}),
    info: z.object({ manifest: z.string(), sha256: z.string() }),
    outputs: {},
    // manifests are written once: put without delete; the bucket's object lock / versioning keeps them
    storage: [
      { prefix: 'derived/{project}/', actions: ['get'], why: 'HashOutputs' },
      { prefix: 'manifests/{project}/', actions: ['put'], why: 'WriteManifestOnce' },
    ],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' }, gpu: 0 },
    retry: RETRY,
    timeoutS: 5 * 60,
  }),
};

type Steps = typeof STEPS;
export type StepName = keyof Steps;
/** the steps a worker runs (container or child process), as opposed to the platform's own */
export type WorkerStepName = { [K in StepName]: Steps[K]['runsOn'] extends 'worker' ? K : never }[StepName];
export type StepParams<K extends StepName> = z.infer<Steps[K]['params']>;
export type StepInfo<K extends StepName> = z.infer<Steps[K]['info']>;
export type StepOutputAlias<K extends StepName> = keyof Steps[K]['outputs'] & string;

export const STEP_NAMES = Object.keys(STEPS) as StepName[];
export const WORKER_STEP_NAMES = STEP_NAMES.filter((s): s is WorkerStepName => STEPS[s].runsOn === 'worker');

/** seconds to wait before attempt `next` (2, 3, …) of a step */
export function retryDelayS(step: StepName, next: number): number {
  const { initialS, factor, capS } = STEPS[step].retry.backoff;
  return Math.min(initialS * factor ** Math.max(0, next - 2), capS);
}

// the generic parameters above make every alias a declared one; this reads the declaration behind it
function outputDecl(step: StepName, alias: string): StepOutputDecl {
  const decl = (STEPS[step].outputs as Record<string, StepOutputDecl>)[alias];
  if (!decl) throw new Error(`step ${step} declares no output ${alias}`);
  return decl;
}

/** The file name of one declared output (`n`: the position, for a numbered series). */
export function outputFileName<K extends StepName>(step: K, alias: StepOutputAlias<K>, n?: number): string {
  const decl = outputDecl(step, alias);
  if ('file' in decl) return decl.file;
  if (n === undefined) throw new Error(`output ${alias} of ${step} is a numbered series: give its position`);
  return decl.files(n);
}

/** The content type of one declared output. */
export function outputContentType<K extends StepName>(step: K, alias: StepOutputAlias<K>): string {
  return outputDecl(step, alias).contentType;
}

/** The recorded outputs of a task of `step` that are its declared output `alias` (all of a numbered series). */
export function stepOutputs<K extends StepName, T extends { name: string }>(outputs: readonly T[], step: K, alias: StepOutputAlias<K>): T[] {
  const decl = outputDecl(step, alias);
  return outputs.filter((o) => ('file' in decl ? o.name === decl.file : decl.matches.test(o.name)));
}

/** The one recorded output of a task of `step` that is its declared output `alias`, if written. */
export function stepOutput<K extends StepName, T extends { name: string }>(
  outputs: readonly T[] | undefined,
  step: K,
  alias: StepOutputAlias<K>,
): T | undefined {
  return outputs ? stepOutputs(outputs, step, alias)[0] : undefined;
}
