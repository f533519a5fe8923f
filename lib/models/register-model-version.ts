import { and, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { models, modelVersions, projects, type ModelVersion } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { putObject, headObject } from '../storage/objects';
import { modelKey } from '../storage/keys';
import { parseModelSpec } from './model-spec';
import { bytesModelSource } from '@/workers/inference/model-source';
import { loadModel } from '@/workers/inference/load-model';
import { checkParity, describeParityFailure, type ParityReference } from './check-parity';
import { validateModel } from './validate-model';

/**
 * Registers one model version: validates the ONNX file against its spec (opset, names, shapes, a run
 * on a tiny input), stores it at models/<model>/<version>/model.onnx and records its SHA-256, which
 * the worker checks before it loads the artifact. Registering the same bytes again returns the
 * existing version (and puts the artifact back if the store lost it); different bytes under an
 * existing version number are refused.
 *
 * With reference pairs (an input and the mask the model should give for it), the parity check runs
 * the whole bundle on each (lib/models/check-parity.ts): a version that does not reproduce them is
 * refused with the per-label Dice and the number of differing voxels. What was checked is stored
 * with the version (`evidence`) and shown on its page.
 */
export async function registerModelVersion(
  db: DbOrTx,
  p: {
    model: Uint8Array;
    spec: unknown;
    registeredBy?: string | null;
    description?: string;
    references?: ParityReference[];
    /** the owning project of a new model (or of one registered without an owner so far) */
    ownerProjectId?: string | null;
    /** how the artifact gets to its key; default: written from `model` (the API copies its staged object inside the store instead) */
    storeArtifact?: (key: string) => Promise<void>;
  },
): Promise<{ version: ModelVersion; created: boolean }> {
  const store = p.storeArtifact ?? (async (key: string) => void (await putObject({ key, body: p.model, contentType: 'application/octet-stream' })));
  const spec = parseModelSpec(p.spec);
  const sha256 = createHash('sha256').update(p.model).digest('hex');
  const [existingModel] = await db.select().from(models).where(eq(models.name, spec.name)).limit(1);
  if (existingModel && p.ownerProjectId) await claimOwnership(db, existingModel, p.ownerProjectId);
  if (existingModel) {
    const [existing] = await db
      .select()
      .from(modelVersions)
      .where(and(eq(modelVersions.modelId, existingModel.id), eq(modelVersions.version, spec.version)))
      .limit(1);
    if (existing) {
      if (existing.sha256 !== sha256) {
        throw new AppError('conflict', `${spec.name}@${spec.version} is already registered with different content (sha256 ${existing.sha256.slice(0, 12)}…)`);
      }
      // the same bytes again: make sure the store still has them (a restored database, a new bucket)
      if (!(await headObject(existing.artifactKey))) await store(existing.artifactKey);
      return { version: existing, created: false };
    }
  }

  const where = `${spec.name}@${spec.version}`;
  const validation = await validateModel(p.model, spec, `${where}/model.onnx`);
  let parity: Awaited<ReturnType<typeof checkParity>> | undefined;
  if (p.references?.length) {
    const loaded = await loadModel({ source: bytesModelSource({ model: p.model, spec, describe: where }), expectedSha256: sha256, log: () => {} });
    parity = await checkParity({ model: loaded, spec, references: p.references });
    if (!parity.passed) {
      throw new AppError('invalid_input', `${where}: parity check failed (every label needs Dice ≥ ${parity.minDice}): ${describeParityFailure(parity)}`, {
        parity,
      });
    }
  }
  const evidence = {
    checkedAt: new Date().toISOString(),
    graph: { irVersion: validation.irVersion, opset: validation.opset, opTypes: validation.opTypes },
    testRun: { inputDims: validation.testRun.inputDims, outputDims: validation.testRun.outputDims, ms: Math.round(validation.testRun.ms) },
    parity: parity ?? null,
  };
  const key = modelKey({ model: spec.name, version: spec.version });
  if (!(await headObject(key))) await store(key);

  const modelId =
    existingModel?.id ??
    (
      await db
        .insert(models)
        .values({ name: spec.name, description: p.description ?? spec.description ?? null, ownerProjectId: p.ownerProjectId ?? null })
        .returning({ id: models.id })
    )[0].id;
  const [version] = await db
    .insert(modelVersions)
    .values({
      modelId,
      version: spec.version,
      sha256,
      artifactKey: key,
      spec: spec as unknown as Record<string, unknown>,
      status: 'validated',
      evidence,
      registeredBy: p.registeredBy ?? null,
    })
    .returning();
  return { version, created: true };
}

/** A model registered without an owner gets one; a model owned by another project is refused. */
async function claimOwnership(db: DbOrTx, model: typeof models.$inferSelect, ownerProjectId: string): Promise<void> {
  if (model.ownerProjectId === ownerProjectId) return;
  if (model.ownerProjectId) {
    const [owner] = await db.select({ slug: projects.slug }).from(projects).where(eq(projects.id, model.ownerProjectId));
    throw new AppError('forbidden', `model ${model.name} belongs to project ${owner?.slug ?? model.ownerProjectId}: only its versions can be registered there`);
  }
  await db.update(models).set({ ownerProjectId }).where(eq(models.id, model.id));
}
