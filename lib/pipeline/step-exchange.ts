import { createHash } from 'node:crypto';
import { AppError } from '@/lib/errors';
import { argoParameterJson } from '@/lib/executor/argo/argo-parameters';
import { invocationKey, stepResultKey } from '@/lib/storage/keys';
import { getObjectBytes, putObject } from '@/lib/storage/objects';
import { ZObjectRef, ZStepResult, type TObjectRef, type TStepInvocation, type TStepResult } from './step-contract';

/**
 * Invocations and results through the bucket (pipeline/, lib/storage/keys.ts) instead of Argo
 * parameters: a 1,000-instance series lists 1,000 objects in every invocation and in deidentify's
 * result, far past what a workflow parameter and a node status may hold. The workflow carries only
 * an object reference (key, version, SHA-256, size); whoever reads one checks the bytes against it.
 */

/** The platform stores a task's invocation (before submitting the workflow). */
export async function storeInvocation(inv: TStepInvocation): Promise<TObjectRef> {
  const body = new TextEncoder().encode(JSON.stringify(inv));
  const put = await putObject({
    key: invocationKey({ projectId: inv.run.projectId, runId: inv.run.id, task: inv.task }),
    body,
    contentType: 'application/json',
  });
  return { key: put.key, versionId: put.versionId, sha256: put.sha256, size: put.size };
}

/** A step stores its result and answers the reference (the task's `result` output parameter). */
export async function storeStepResult(inv: TStepInvocation, result: TStepResult): Promise<TObjectRef> {
  const body = new TextEncoder().encode(argoParameterJson(result));
  const put = await putObject({
    key: stepResultKey({ projectId: inv.run.projectId, step: inv.step, runId: inv.run.id, task: inv.task }),
    body,
    contentType: 'application/json',
  });
  return { key: put.key, versionId: put.versionId, sha256: put.sha256, size: put.size };
}

function parseRef(raw: unknown, what: string): TObjectRef {
  const parsed = ZObjectRef.strict().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_input', `${what}: not an object reference: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

async function readJson(ref: TObjectRef, what: string): Promise<unknown> {
  const bytes = await getObjectBytes({ key: ref.key, versionId: ref.versionId });
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== ref.sha256) throw new AppError('checksum_mismatch', `${what} (${ref.key}): SHA-256 is ${sha}, the reference says ${ref.sha256}`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new AppError('invalid_input', `${what} (${ref.key}): not JSON`);
  }
}

/** The invocation a reference points to (checked: bytes, then the invocation schema). */
export async function loadInvocation(rawRef: unknown): Promise<unknown> {
  return readJson(parseRef(rawRef, 'invocation'), 'invocation');
}

/** The step result a reference points to (checked: bytes, then the result schema). */
export async function loadStepResult(rawRef: unknown, what: string): Promise<TStepResult> {
  const json = await readJson(parseRef(rawRef, what), what);
  const parsed = ZStepResult.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_input', `${what}: not a step result: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
