import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { runs, runSteps, storedObjects, users, type Run } from '@/db/schema';
import { config } from '../config';
import type { DbOrTx } from '../db';
import { ZRunManifest, RUN_MANIFEST_SCHEMA, type TRunManifest } from '../manifests/manifest-schema';
import { signManifest, ZSignedManifest } from '../manifests/sign-manifest';
import { loadSigningKey } from '../manifests/signing-key';
import { manifestKey } from '../storage/keys';
import { getObjectBytes, headObject, putObject } from '../storage/objects';
import { parseRunChecks, parseRunParams, parseStepOutputs, type TObjectRef } from '@/db/schema/run-json';

/** the local build: the stamp `segflow start` writes over the sources it built, else "unbuilt" */
function localBuildId(): string {
  const stamp = join(config().root, '.next', 'segflow-build-stamp');
  return existsSync(stamp) ? `local:${readFileSync(stamp, 'utf8').trim().slice(0, 64)}` : 'local:unbuilt';
}

/**
 * The manifest of a finished run: inputs, models, parameters, every step (attempts, timings,
 * outputs with version ids and SHA-256), who submitted it — signed by the platform (Ed25519) and
 * written once to manifests/<project>/<run>.json (a retried run: one per attempt). A manifest already there (an earlier attempt that
 * wrote it and then failed to record it) is kept, not overwritten, when it is this run's.
 */
export async function writeRunManifest(
  db: DbOrTx,
  p: { run: Run; inputs: TObjectRef[]; status: 'succeeded' | 'failed'; skipTask: string },
): Promise<{ key: string; sha256: string; versionId: string | null; size: number }> {
  const { run } = p;
  const key = manifestKey({ projectId: run.projectId, runId: run.id, attempt: run.attempt });
  const head = await headObject(key);
  if (head) {
    const existing = ZSignedManifest.safeParse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key, versionId: head.versionId }))));
    if (existing.success && existing.data.manifest.run.id === run.id) return { key, sha256: existing.data.sha256, versionId: head.versionId, size: head.size };
    throw new Error(`${key} exists and is not this run's manifest: manifests are never overwritten`);
  }
  const [submitter] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, run.submittedBy!));
  // read now: the infer task recorded them after the executor loaded the run
  const [{ warnings }] = await db.select({ warnings: runs.warnings }).from(runs).where(eq(runs.id, run.id));
  const steps = (await db.select().from(runSteps).where(eq(runSteps.runId, run.id))).filter((s) => s.name !== p.skipTask);
  const params = parseRunParams(run);
  const models = [params.serving, ...(params.shadow ? [params.shadow] : [])].map((m) => ({
    role: m.role,
    model: m.model,
    version: m.version,
    sha256: m.sha256,
  }));
  const manifest: TRunManifest = ZRunManifest.parse({
    schema: RUN_MANIFEST_SCHEMA,
    run: {
      id: run.id,
      key: run.runKey,
      project: run.projectId,
      study: run.studyId,
      submittedBy: submitter,
      submittedAt: run.createdAt.toISOString(),
      finishedAt: new Date().toISOString(),
      status: p.status,
    },
    pipeline: { version: run.pipelineVersion, executor: run.executor === 'argo' ? 'argo' : 'local', build: localBuildId() },
    inputs: p.inputs,
    models,
    params: { model: params.model, seriesId: params.seriesId, kind: params.kind, deidOptions: params.deidOptions },
    steps: steps.map((s) => ({
      name: s.name,
      status: s.status === 'succeeded' || s.status === 'failed' ? s.status : 'skipped',
      attempts: s.attempts,
      startedAt: s.startedAt?.toISOString() ?? null,
      finishedAt: s.finishedAt?.toISOString() ?? null,
      outputs: parseStepOutputs(s).map((o) => ({ key: o.key, versionId: o.versionId, sha256: o.sha256, size: o.size })),
      ...(s.error ? { error: s.error } : {}),
      ...(s.checks.length ? { checks: parseRunChecks(s) } : {}),
    })),
    ...(warnings.length ? { warnings } : {}),
  });
  const signed = signManifest(manifest, loadSigningKey());
  const put = await putObject({ key, body: new TextEncoder().encode(`${JSON.stringify(signed, null, 2)}\n`), contentType: 'application/json' });
  await db
    .insert(storedObjects)
    .values({
      projectId: run.projectId,
      studyId: run.studyId,
      key,
      versionId: put.versionId,
      size: put.size,
      sha256: put.sha256,
      class: 'manifest',
      contentType: 'application/json',
    })
    .onConflictDoNothing();
  return { key, sha256: signed.sha256, versionId: put.versionId, size: put.size };
}
