import { createHash } from 'node:crypto';
import { AppError } from '@/lib/errors';
import type { TObjectRef, TStepInvocation, TStepOutput } from '@/lib/pipeline/step-contract';
import { derivedKey } from '@/lib/storage/keys';
import { getObjectBytes, putObject } from '@/lib/storage/objects';

/** Reads an object and checks it is the one the run recorded (SHA-256): a changed object fails the step. */
export async function readChecked(ref: TObjectRef, what: string): Promise<Uint8Array> {
  const bytes = await getObjectBytes({ key: ref.key, versionId: ref.versionId });
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== ref.sha256) throw new AppError('checksum_mismatch', `${what} (${ref.key}): SHA-256 is ${sha}, the run recorded ${ref.sha256}`);
  return bytes;
}

/** derived/<project>/<study>/runs/<run>/<task>/<name>: the deterministic key of one step output. */
export function outputKey(inv: TStepInvocation, ...path: string[]): string {
  return derivedKey({ projectId: inv.run.projectId, studyId: inv.run.studyId, path: ['runs', inv.run.id, inv.task, ...path] });
}

export async function writeOutput(inv: TStepInvocation, name: string, body: Uint8Array, contentType?: string): Promise<TStepOutput> {
  const put = await putObject({ key: outputKey(inv, name), body, contentType });
  return { name, key: put.key, versionId: put.versionId, sha256: put.sha256, size: put.size };
}

/** The one output of an upstream task with this name. */
export function upstreamOutput(inv: TStepInvocation, task: string, name: string): TStepOutput {
  const found = inv.upstream[task]?.find((o) => o.name === name);
  if (!found) throw new AppError('invalid_input', `${inv.task}: the ${task} task has no output "${name}"`);
  return found;
}
