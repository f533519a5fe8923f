import { and, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { models, modelVersions, projects, type ModelVersion } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { putObject, headObject } from '../storage/objects';
import { modelKey } from '../storage/keys';
import { parseModelSpec, type TModelSpec } from './model-spec';
import { bytesModelSource } from '@/workers/inference/model-source';
import { loadModel } from '@/workers/inference/load-model';
import { checkParity, describeParityFailure, type ParityEvidence, type ParityReference } from './check-parity';
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
 *
 * Three steps, so that a caller can keep the long one out of its transaction (the API's completion,
 * lib/models/registration/complete-registration.ts): `findRegisteredVersion` (reads),
 * `checkModelVersion` (no database: seconds of ONNX runs with references), `recordModelVersion`
 * (writes, and checks again what it relies on).
 */
export async function registerModelVersion(db: DbOrTx, p: RegisterModelVersion): Promise<{ version: ModelVersion; created: boolean }> {
  const spec = parseModelSpec(p.spec);
  const sha256 = sha256Of(p.model);
  const existing = await findRegisteredVersion(db, { spec, sha256, ownerProjectId: p.ownerProjectId });
  const evidence = existing ? null : await checkModelVersion({ model: p.model, spec, sha256, references: p.references });
  const store = p.storeArtifact ?? (async (key: string) => void (await putObject({ key, body: p.model, contentType: 'application/octet-stream' })));
  return recordModelVersion(db, { ...p, spec, sha256, evidence, store });
}

export interface RegisterModelVersion {
  model: Uint8Array;
  spec: unknown;
  registeredBy?: string | null;
  description?: string;
  references?: ParityReference[];
  /** the owning project of a new model (or of one registered without an owner so far) */
  ownerProjectId?: string | null;
  /** how the artifact gets to its key; default: written from `model` (the API copies its staged object inside the store instead) */
  storeArtifact?: (key: string) => Promise<void>;
}

/** What a version's checks found: stored with it and shown on its page. */
export interface ModelVersionEvidence {
  checkedAt: string;
  graph: { irVersion: number; opset: number; opTypes: string[] };
  testRun: { inputDims: number[]; outputDims: number[]; ms: number };
  parity: ParityEvidence | null;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The version already registered with these bytes, or null when there is none yet. Refuses
 * (conflict) other bytes under an existing version number, and (forbidden) a model that another
 * project owns. Writes nothing.
 */
export async function findRegisteredVersion(db: DbOrTx, p: { spec: TModelSpec; sha256: string; ownerProjectId?: string | null }): Promise<ModelVersion | null> {
  return (await registered(db, p)).version;
}

/** The model of that name (or null) and the version with these bytes (or null), refused as findRegisteredVersion says. */
async function registered(
  db: DbOrTx,
  p: { spec: TModelSpec; sha256: string; ownerProjectId?: string | null },
): Promise<{ model: typeof models.$inferSelect | null; version: ModelVersion | null }> {
  const [model] = await db.select().from(models).where(eq(models.name, p.spec.name)).limit(1);
  if (!model) return { model: null, version: null };
  if (p.ownerProjectId) await refuseOtherOwner(db, model, p.ownerProjectId);
  const [existing] = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, p.spec.version)))
    .limit(1);
  if (existing && existing.sha256 !== p.sha256) {
    throw new AppError('conflict', `${p.spec.name}@${p.spec.version} is already registered with different content (sha256 ${existing.sha256.slice(0, 12)}…)`);
  }
  return { model, version: existing ?? null };
}

/** The checks, without the database: graph and tiny run, then parity against each reference pair. */
export async function checkModelVersion(p: {
  model: Uint8Array;
  spec: TModelSpec;
  sha256: string;
  references?: ParityReference[];
}): Promise<ModelVersionEvidence> {
  const where = `${p.spec.name}@${p.spec.version}`;
  const validation = await validateModel(p.model, p.spec, `${where}/model.onnx`);
  let parity: ParityEvidence | null = null;
  if (p.references?.length) {
    const loaded = await loadModel({ source: bytesModelSource({ model: p.model, spec: p.spec, describe: where }), expectedSha256: p.sha256, log: () => {} });
    parity = await checkParity({ model: loaded, spec: p.spec, references: p.references });
    if (!parity.passed) {
      throw new AppError('invalid_input', `${where}: parity check failed (every label needs Dice ≥ ${parity.minDice}): ${describeParityFailure(parity)}`, {
        parity,
      });
    }
  }
  return {
    checkedAt: new Date().toISOString(),
    graph: { irVersion: validation.irVersion, opset: validation.opset, opTypes: validation.opTypes },
    testRun: { inputDims: validation.testRun.inputDims, outputDims: validation.testRun.outputDims, ms: Math.round(validation.testRun.ms) },
    parity,
  };
}

/**
 * Writes a checked version: the artifact to its key and the version row (a new model first, or the
 * claim of an unowned one). When the same bytes were registered meanwhile, that version is the
 * answer (its artifact put back if the store lost it); `evidence` may be null only then.
 */
export async function recordModelVersion(
  db: DbOrTx,
  p: Pick<RegisterModelVersion, 'registeredBy' | 'description' | 'ownerProjectId'> & {
    spec: TModelSpec;
    sha256: string;
    evidence: ModelVersionEvidence | null;
    /** puts the artifact at its key */
    store: (key: string) => Promise<void>;
  },
): Promise<{ version: ModelVersion; created: boolean }> {
  const { spec, store } = p;
  const { model: existingModel, version: existing } = await registered(db, p);
  if (existingModel && p.ownerProjectId && !existingModel.ownerProjectId) {
    await db.update(models).set({ ownerProjectId: p.ownerProjectId }).where(eq(models.id, existingModel.id));
  }
  if (existing) {
    // the same bytes again: make sure the store still has them (a restored database, a new bucket)
    if (!(await headObject(existing.artifactKey))) await store(existing.artifactKey);
    return { version: existing, created: false };
  }
  if (!p.evidence) throw new Error(`${spec.name}@${spec.version}: a new version needs the evidence of its checks`);
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
      sha256: p.sha256,
      artifactKey: key,
      spec: spec as unknown as Record<string, unknown>,
      status: 'validated',
      evidence: p.evidence as unknown as Record<string, unknown>,
      registeredBy: p.registeredBy ?? null,
    })
    .returning();
  return { version, created: true };
}

/** A model owned by another project is refused; one without an owner is claimed when the version is recorded. */
async function refuseOtherOwner(db: DbOrTx, model: typeof models.$inferSelect, ownerProjectId: string): Promise<void> {
  if (!model.ownerProjectId || model.ownerProjectId === ownerProjectId) return;
  const [owner] = await db.select({ slug: projects.slug }).from(projects).where(eq(projects.id, model.ownerProjectId));
  throw new AppError('forbidden', `model ${model.name} belongs to project ${owner?.slug ?? model.ownerProjectId}: only its versions can be registered there`);
}
