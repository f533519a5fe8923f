/**
 * Object keys of the one bucket (ADR-02). This file is the only place keys are made: keys come from
 * server-generated ids, never from a client's file name.
 *   raw-phi/<project>/<study>/<upload>/<n>        what researchers uploaded (PHI)
 *   derived/<project>/<study>/...                   de-identified images, volumes, masks, SEG, metrics
 *   derived/<project>/<study>/runs/<run>/<task>/<name>  one step output (the only layout steps write)
 *   derived/<project>/<study>/runs/<run>/logs/<task>-<attempt>.log  one step attempt's output (JSON lines)
 *   manifests/<project>/<run>.json                  run manifests, written once (a retried run's later attempts: <run>.attempt-<n>.json)
 *   manifests/audit/<seq, 20 digits>.json           signed audit-log checkpoints, written once
 *   manifests/promotions/<model>/<request event>/<approval ms>.json  signed promotion evidence, written once per approval
 *   models/<model>/<version>/model.onnx             model artifacts
 *   models/_staging/<registration>/<n>              a registration's files until it completes (then deleted)
 *   pipeline/<project>/invocations/<run>/<task>.json           a step's invocation, written by the platform (Argo)
 *   pipeline/<project>/results/<step>/<run>/<task>.json       a step's result, written by the step (Argo)
 * pipeline/ is how Argo steps exchange object lists: the workflow carries only references to these
 * (Argo keeps parameters in etcd, per node); the step is in the results key so that each step's
 * service account may write under its own prefix only.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function seg(name: string, value: string | number): string {
  const s = String(value);
  if (!SEGMENT.test(s) || s.includes('..')) throw new Error(`invalid ${name} for an object key: ${JSON.stringify(s)}`);
  return s;
}

export const PREFIXES = {
  rawPhi: 'raw-phi/',
  derived: 'derived/',
  manifests: 'manifests/',
  models: 'models/',
  pipeline: 'pipeline/',
} as const;

export function rawPhiKey(p: { projectId: string; studyId: string; uploadId: string; index: number }): string {
  return `raw-phi/${seg('project', p.projectId)}/${seg('study', p.studyId)}/${seg('upload', p.uploadId)}/${seg('index', p.index)}`;
}

export function rawPhiUploadPrefix(p: { projectId: string; studyId: string; uploadId: string }): string {
  return `raw-phi/${seg('project', p.projectId)}/${seg('study', p.studyId)}/${seg('upload', p.uploadId)}/`;
}

/** derived/<project>/<study>/<kind>/<name>: kind groups outputs (deid, volume, runs/<run>/<step>) */
export function derivedKey(p: { projectId: string; studyId: string; path: string[] }): string {
  return `derived/${seg('project', p.projectId)}/${seg('study', p.studyId)}/${p.path.map((x) => seg('path', x)).join('/')}`;
}

/**
 * derived/<project>/<study>/runs/<run>/<task>/<name>: the deterministic key of one step output. Same
 * run, task and name → same key, so a retried or handed-back step overwrites its own earlier attempt
 * with the same bytes instead of leaving a second copy.
 */
export function stepOutputKey(p: { projectId: string; studyId: string; runId: string; task: string; name: string }): string {
  return derivedKey({ projectId: p.projectId, studyId: p.studyId, path: ['runs', p.runId, p.task, p.name] });
}

/** derived/<project>/<study>/runs/<run>/logs/<task>-<attempt>.log: what one attempt of a step printed (stepLog, lib/executor/local/step-log.ts) */
export function stepLogKey(p: { projectId: string; studyId: string; runId: string; task: string; attempt: number }): string {
  if (!Number.isInteger(p.attempt) || p.attempt < 1) throw new Error(`invalid attempt for a step log key: ${p.attempt}`);
  return derivedKey({ projectId: p.projectId, studyId: p.studyId, path: ['runs', p.runId, 'logs', `${seg('task', p.task)}-${p.attempt}.log`] });
}

/** A run attempt's manifest: each attempt gets its own key, since manifests are never overwritten (Object Lock). */
export function manifestKey(p: { projectId: string; runId: string; attempt?: number }): string {
  const attempt = p.attempt ?? 1;
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`invalid attempt for a manifest key: ${attempt}`);
  return `manifests/${seg('project', p.projectId)}/${seg('run', p.runId)}${attempt > 1 ? `.attempt-${attempt}` : ''}.json`;
}

/** `audit` is never a project id (those are UUIDs), so checkpoints cannot collide with a project's manifests. */
export const AUDIT_CHECKPOINT_PREFIX = 'manifests/audit/';

/** the evidence record of one approval: the model, the gate_passed event it granted, and when (the slot event names its key) */
export function promotionEvidenceKey(p: { modelId: string; requestEventId: string; approvedAt: Date }): string {
  return `manifests/promotions/${seg('model', p.modelId)}/${seg('event', p.requestEventId)}/${seg('time', p.approvedAt.getTime())}.json`;
}

/** Zero-padded so that the bucket's lexicographic listing is the checkpoints' order. */
export function auditCheckpointKey(p: { seq: number }): string {
  if (!Number.isSafeInteger(p.seq) || p.seq < 1) throw new Error(`invalid audit checkpoint seq: ${p.seq}`);
  return `${AUDIT_CHECKPOINT_PREFIX}${String(p.seq).padStart(20, '0')}.json`;
}

/** The seq of a checkpoint key, or null for a key that is not one. */
export function auditCheckpointSeq(key: string): number | null {
  const m = /^manifests\/audit\/(\d{20})\.json$/.exec(key);
  return m ? Number(m[1]) : null;
}

export function modelKey(p: { model: string; version: string }): string {
  return `models/${seg('model', p.model)}/${seg('version', p.version)}/model.onnx`;
}

/** `_staging` is never a model name (a key segment starts with a letter or digit), so staged files cannot collide with artifacts. */
export function modelStagingKey(p: { registrationId: string; index: number }): string {
  return `models/_staging/${seg('registration', p.registrationId)}/${seg('index', p.index)}`;
}

export function invocationKey(p: { projectId: string; runId: string; task: string }): string {
  return `pipeline/${seg('project', p.projectId)}/invocations/${seg('run', p.runId)}/${seg('task', p.task)}.json`;
}

export function stepResultKey(p: { projectId: string; step: string; runId: string; task: string }): string {
  return `pipeline/${seg('project', p.projectId)}/results/${seg('step', p.step)}/${seg('run', p.runId)}/${seg('task', p.task)}.json`;
}
