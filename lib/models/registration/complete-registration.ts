import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { and, eq } from 'drizzle-orm';
import { modelRegistrations, modelVersions, type ModelRegistration, type StagedFile } from '@/db/schema';
import type { Db, DbOrTx, Tx } from '@/lib/db';
import { AppError, isAppError } from '@/lib/errors';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { getStorage, sseParams } from '@/lib/storage/s3-client';
import type { ParityEvidence, ParityReference } from '../check-parity';
import { parseModelSpec, type TModelSpec } from '../model-spec';
import { checkModelVersion, findRegisteredVersion, type ModelVersionEvidence, recordModelVersion } from '../register-model-version';
import { deleteStagedObject, readStagedFile, type StagedRead } from './read-staged-file';
import type { RegistrationOutcomeDto } from './schemas';

type Reason = { file: string | null; field: string | null; message: string };
export type Refusal = { reasons: Reason[]; parity: ParityEvidence | null };

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reasons[0]?.message ?? 'refused');
  }
}
const refuse = (message: string, file: string | null = null, field: string | null = null): never => {
  throw new Refused({ reasons: [{ file, field, message }], parity: null });
};

async function outcomeOf(tx: Tx, reg: ModelRegistration, created: boolean): Promise<RegistrationOutcomeDto> {
  if (reg.status === 'refused') {
    const r = reg.result as unknown as Refusal;
    return { status: 'refused', reasons: r.reasons, parity: r.parity };
  }
  const [v] = await tx.select().from(modelVersions).where(eq(modelVersions.id, reg.versionId!));
  return {
    status: 'accepted',
    created,
    version: { id: v.id, model: reg.modelName, version: v.version, sha256: v.sha256, status: v.status, evidence: v.evidence ?? null },
  };
}

/** A staged object as it was read: the version to delete afterwards (null in an unversioned bucket). */
type StagedObject = { key: string; versionId: string | null };

/**
 * What completion found before it writes anything (prepareCompletion), for completeRegistration:
 * plain data, so it can come from another process (check-in-child-process.ts).
 */
export type PreparedCompletion =
  /** completed before this request: its outcome stands */
  | { kind: 'completed' }
  | { kind: 'checked'; staged: StagedObject[]; onnx: StagedFile; spec: TModelSpec; sha256: string; evidence: ModelVersionEvidence | null }
  | { kind: 'refused'; staged: StagedObject[]; refusal: Refusal };

export type CompletionOf = { registrationId: string; model: string; version: string; userId: string };

function registrationOf(db: DbOrTx, p: CompletionOf) {
  return db
    .select()
    .from(modelRegistrations)
    .where(
      and(
        eq(modelRegistrations.id, p.registrationId),
        eq(modelRegistrations.modelName, p.model),
        eq(modelRegistrations.version, p.version),
        eq(modelRegistrations.createdBy, p.userId),
      ),
    );
}

/**
 * A registration's checks, before anything is written and outside any transaction (they take
 * seconds with reference pairs): reads each staged object back (size and SHA-256 as declared),
 * parses the spec (named `model`@`version` by the request, whatever the file says) and the reference
 * pairs (NIfTI), and runs registration's checks (graph, tiny run, parity). A file not sent yet is a
 * conflict (send it, then complete again); a model owned by another project is forbidden. Anything
 * else wrong with the bundle is a refusal, which completeRegistration records.
 */
export async function prepareCompletion(db: Db, p: CompletionOf): Promise<PreparedCompletion> {
  const [reg] = await registrationOf(db, p);
  if (!reg) throw new AppError('not_found', `registration ${p.registrationId} of ${p.model}@${p.version} not found`);
  if (reg.status !== 'staged') return { kind: 'completed' };
  if (reg.expiresAt < new Date()) throw new AppError('conflict', `registration ${p.registrationId} expired; stage the files again`);

  const reads = new Map<StagedFile, NonNullable<StagedRead>>();
  for (const f of reg.files) {
    const read = await readStagedFile(f);
    if (read) reads.set(f, read);
  }
  const missing = reg.files.filter((f) => !reads.has(f));
  if (missing.length) {
    throw new AppError(
      'conflict',
      `not uploaded yet: ${missing.map((f) => f.name).join(', ')}; send ${missing.length === 1 ? 'it' : 'them'}, then complete again`,
      {
        missing: missing.map((f) => f.name),
      },
    );
  }

  const staged = [...reads].map(([f, r]) => ({ key: f.key, versionId: r.versionId }));
  try {
    const problems = [...reads.entries()].filter(([, r]) => r.problem);
    if (problems.length) throw new Refused({ reasons: problems.map(([f, r]) => ({ file: f.name, field: null, message: r.problem! })), parity: null });
    const bytesOf = (f: StagedFile) => reads.get(f)!.bytes;
    const onnx = reg.files.find((f) => f.role === 'onnx')!;
    const specFile = reg.files.find((f) => f.role === 'spec')!;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(bytesOf(specFile)).toString('utf8'));
    } catch (err) {
      refuse(`${specFile.name}: not valid JSON (${(err as Error).message})`, specFile.name);
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) refuse(`${specFile.name}: a spec is a JSON object`, specFile.name);
    // the request names the version; the file gives everything else (a copy of a spec under a new version)
    const spec = parseModelSpec({ ...(raw as object), name: reg.modelName, version: reg.version }, specFile.name);
    const references: ParityReference[] = [];
    for (const input of reg.files.filter((f) => f.role === 'reference-input')) {
      const mask = reg.files.find((f) => f.role === 'reference-mask' && f.pair === input.pair)!;
      references.push({ name: `${input.name} → ${mask.name}`, input: readNifti(bytesOf(input), input.name), mask: readNifti(bytesOf(mask), mask.name) });
    }
    // as declared, and read back equal to it (readStagedFile)
    const sha256 = onnx.sha256;
    // the same bytes registered before need no checks again; a model owned elsewhere is refused here
    const existing = await findRegisteredVersion(db, { spec, sha256, ownerProjectId: reg.projectId });
    const evidence = existing ? null : await checkModelVersion({ model: bytesOf(onnx), spec, sha256, references });
    return { kind: 'checked', staged, onnx, spec, sha256, evidence };
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err; // the database or the store: the staged files stay, the client may complete again
    return { kind: 'refused', staged, refusal };
  }
}

/** The bundle's problem as a refusal, or null for an error that is not the bundle's (it fails the request). */
function refusalOf(err: unknown): Refusal | null {
  if (err instanceof Refused) return err.refusal;
  // a permission refusal (a model owned elsewhere) is the caller's, not the bundle's: it fails the request
  if (!isAppError(err) || ['unavailable', 'internal', 'forbidden', 'not_found'].includes(err.code)) return null;
  const d = err.details ?? {};
  return {
    reasons: [{ file: typeof d.file === 'string' ? d.file : null, field: typeof d.field === 'string' ? d.field : null, message: err.message }],
    parity: (d.parity as ParityEvidence | undefined) ?? null,
  };
}

/**
 * Completes a staged registration with what prepareCompletion found, in the caller's transaction
 * and under the registration's row lock. Accepted: the artifact is copied inside the store to
 * models/<model>/<version>/model.onnx and the version is created with its evidence (the same bytes
 * again: the existing version). Refused: the reasons, each naming its file or field, with per-label
 * Dice when parity failed. Either way the staged objects are deleted. Completing twice, or while
 * another completion of it ran, answers the first outcome.
 */
export async function completeRegistration(tx: Tx, p: CompletionOf, prepared: PreparedCompletion): Promise<RegistrationOutcomeDto> {
  const [reg] = await registrationOf(tx, p).for('update');
  if (!reg) throw new AppError('not_found', `registration ${p.registrationId} of ${p.model}@${p.version} not found`);
  if (reg.status !== 'staged') return outcomeOf(tx, reg, false);
  if (prepared.kind === 'completed') throw new AppError('conflict', `registration ${p.registrationId} changed while it was checked; complete it again`);

  let result: { created: boolean; versionId: string } | null = null;
  let refusal: Refusal | null = prepared.kind === 'refused' ? prepared.refusal : null;
  if (prepared.kind === 'checked') {
    const { onnx } = prepared;
    const { client, settings } = getStorage();
    try {
      const { version, created } = await recordModelVersion(tx, {
        spec: prepared.spec,
        sha256: prepared.sha256,
        evidence: prepared.evidence,
        registeredBy: p.userId,
        // the project named at staging owns a new model (and claims an unowned one; another project's model is refused)
        ownerProjectId: reg.projectId,
        // the bytes are in the store already: copied there, not sent through this server again
        store: async (key) => {
          await client.send(
            new CopyObjectCommand({
              Bucket: settings.bucket,
              Key: key,
              // the current version: its presigned PUT was bound to the declared SHA-256, so any version there has these bytes
              // (the embedded store copies no given source version)
              CopySource: `${settings.bucket}/${onnx.key}`,
              ContentType: 'application/octet-stream',
              MetadataDirective: 'REPLACE',
              Metadata: { sha256: onnx.sha256 },
              ...sseParams(settings),
            }),
          );
        },
      });
      result = { created, versionId: version.id };
    } catch (err) {
      // other bytes registered under this version while it was checked: refused like before
      refusal = refusalOf(err);
      if (!refusal) throw err;
    }
  }

  for (const o of prepared.staged) await deleteStagedObject(o);
  const [done] = await tx
    .update(modelRegistrations)
    .set(
      result
        ? { status: 'accepted', versionId: result.versionId, completedAt: new Date() }
        : { status: 'refused', result: refusal as unknown as Record<string, unknown>, completedAt: new Date() },
    )
    .where(eq(modelRegistrations.id, reg.id))
    .returning();
  return outcomeOf(tx, done, result?.created ?? false);
}
