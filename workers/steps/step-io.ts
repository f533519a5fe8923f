import { createHash } from 'node:crypto';
import { AppError } from '@/lib/errors';
import type { TObjectRef, TStepInvocation, TStepOutput } from '@/lib/pipeline/step-contract';
import { outputContentType, outputFileName, stepOutput, type StepOutputAlias, type WorkerStepName } from '@/lib/pipeline/steps';
import { stepOutputKey } from '@/lib/storage/keys';
import { getObjectBytes, putObject } from '@/lib/storage/objects';

/** Reads an object and checks it is the one the run recorded (SHA-256): a changed object fails the step. */
export async function readChecked(ref: TObjectRef, what: string): Promise<Uint8Array> {
  const bytes = await getObjectBytes({ key: ref.key, versionId: ref.versionId });
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== ref.sha256) throw new AppError('checksum_mismatch', `${what} (${ref.key}): SHA-256 is ${sha}, the run recorded ${ref.sha256}`);
  return bytes;
}

/**
 * Writes one of the step's declared outputs (lib/pipeline/steps.ts) to its key (lib/storage/keys.ts
 * stepOutputKey); `n` numbers an output series (de-identified instances).
 */
export async function writeOutput<K extends WorkerStepName>(
  inv: TStepInvocation & { step: K },
  alias: StepOutputAlias<K>,
  body: Uint8Array,
  n?: number,
): Promise<TStepOutput> {
  const name = outputFileName(inv.step, alias, n);
  const key = stepOutputKey({ projectId: inv.run.projectId, studyId: inv.run.studyId, runId: inv.run.id, task: inv.task, name });
  const put = await putObject({ key, body, contentType: outputContentType(inv.step, alias) });
  return { name, key: put.key, versionId: put.versionId, sha256: put.sha256, size: put.size };
}

/** The one output `alias` that the upstream task `task` (a task of step `step`) wrote. */
export function upstreamOutput<K extends WorkerStepName>(inv: TStepInvocation, task: string, step: K, alias: StepOutputAlias<K>): TStepOutput {
  const found = stepOutput(inv.upstream[task], step, alias);
  if (!found) throw new AppError('invalid_input', `${inv.task}: the ${task} task has no output "${outputFileName(step, alias)}"`);
  return found;
}
