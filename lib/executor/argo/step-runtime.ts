import type { StepName } from '@/lib/pipeline/definition';

/**
 * What each worker step gets on the cluster: CPU and memory (requests = what the scheduler reserves,
 * limits = where the kernel stops it), the template timeout (counted from the pod's creation, so a
 * pod Pending on a missing GPU, image or Secret fails after it), and the retry backoff.
 * One table the Argo renderer reads; it moves into the typed step registry (lib/pipeline/) when that
 * lands. Numbers: the 256³ brain-tissue model holds ~3 GB in onnxruntime on CPU; a 1,000-instance CT
 * series is ~0.5 GB of DICOM, de-identified one instance at a time.
 */
export interface StepRuntime {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** one attempt, Pending included */
  timeoutSeconds: number;
  /** between attempts: duration × factor^n, at most cap; no new attempt after maxDuration from the first */
  backoff: { duration: string; factor: number; cap: string; maxDuration: string };
}

type WorkerStep = Exclude<StepName, 'manifest'>;

const BACKOFF = { duration: '10s', factor: 2, cap: '5m', maxDuration: '1h' };

export const STEP_RUNTIME: Record<WorkerStep, StepRuntime> = {
  ingest: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' }, timeoutSeconds: 15 * 60, backoff: BACKOFF },
  deidentify: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' }, timeoutSeconds: 30 * 60, backoff: BACKOFF },
  convert: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' }, timeoutSeconds: 15 * 60, backoff: BACKOFF },
  // a GPU node may take minutes to come up (cluster autoscaler): the timeout leaves room for it
  infer: { requests: { cpu: '2', memory: '6Gi' }, limits: { cpu: '4', memory: '8Gi' }, timeoutSeconds: 45 * 60, backoff: BACKOFF },
  compare: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' }, timeoutSeconds: 15 * 60, backoff: BACKOFF },
};

/** Seconds a Go duration of the forms used here (`10s`, `5m`, `1h`) stands for. */
export function durationSeconds(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`duration ${d}: expected <n>s, <n>m or <n>h`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}
