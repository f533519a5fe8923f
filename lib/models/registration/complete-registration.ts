import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { and, eq } from 'drizzle-orm';
import { modelRegistrations, modelVersions, type ModelRegistration, type StagedFile } from '@/db/schema';
import type { Tx } from '@/lib/db';
import { AppError, isAppError } from '@/lib/errors';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { getStorage, sseParams } from '@/lib/storage/s3-client';
import type { ParityEvidence, ParityReference } from '../check-parity';
import { parseModelSpec } from '../model-spec';
import { registerModelVersion } from '../register-model-version';
import { deleteStagedObject, readStagedFile } from './read-staged-file';
import type { RegistrationOutcomeDto } from './schemas';

type Reason = { file: string | null; field: string | null; message: string };
type Refusal = { reasons: Reason[]; parity: ParityEvidence | null };

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

/**
 * Completes a staged registration: reads each staged object back (size and SHA-256 as declared),
 * parses the spec (named `model`@`version` by the request, whatever the file says), the reference
 * pairs (NIfTI), and runs registration's checks (graph, tiny run, parity). Accepted: the artifact is
 * copied inside the store to models/<model>/<version>/model.onnx and the version is created with its
 * evidence (the same bytes again: the existing version). Refused: the reasons, each naming its file or
 * field, with per-label Dice when parity failed. Either way the staged objects are deleted; a file not
 * sent yet is a conflict (send it, then complete again). Completing twice answers the first outcome.
 */
export async function completeRegistration(
  tx: Tx,
  p: { registrationId: string; model: string; version: string; userId: string },
): Promise<RegistrationOutcomeDto> {
  const [reg] = await tx
    .select()
    .from(modelRegistrations)
    .where(
      and(
        eq(modelRegistrations.id, p.registrationId),
        eq(modelRegistrations.modelName, p.model),
        eq(modelRegistrations.version, p.version),
        eq(modelRegistrations.createdBy, p.userId),
      ),
    )
    .for('update');
  if (!reg) throw new AppError('not_found', `registration ${p.registrationId} of ${p.model}@${p.version} not found`);
  if (reg.status !== 'staged') return outcomeOf(tx, reg, false);
  if (reg.expiresAt < new Date()) throw new AppError('conflict', `registration ${p.registrationId} expired; stage the files again`);

  const reads = new Map<StagedFile, NonNullable<Awaited<ReturnType<typeof readStagedFile>>>>();
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

  let result: { created: boolean; versionId: string } | null = null;
  let refusal: Refusal | null = null;
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
    const { client, settings } = getStorage();
    const { version, created } = await registerModelVersion(tx, {
      model: bytesOf(onnx),
      spec,
      references,
      registeredBy: p.userId,
      // the project named at staging owns a new model (and claims an unowned one; another project's model is refused)
      ownerProjectId: reg.projectId,
      // the bytes are in the store already: copied there, not sent through this server again
      storeArtifact: async (key) => {
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
    if (err instanceof Refused) refusal = err.refusal;
    // a permission refusal (a model owned elsewhere) is the caller's, not the bundle's: it fails the request
    else if (isAppError(err) && !['unavailable', 'internal', 'forbidden', 'not_found'].includes(err.code)) {
      const d = err.details ?? {};
      refusal = {
        reasons: [{ file: typeof d.file === 'string' ? d.file : null, field: typeof d.field === 'string' ? d.field : null, message: err.message }],
        parity: (d.parity as ParityEvidence | undefined) ?? null,
      };
    } else throw err; // the database or the store: the staged files stay, the client may complete again
  }

  for (const [f, r] of reads) await deleteStagedObject({ key: f.key, versionId: r.versionId });
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
