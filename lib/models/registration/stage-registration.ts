import { randomUUID } from 'node:crypto';
import { modelRegistrations, type StagedFile } from '@/db/schema';
import type { Role } from '@/lib/auth/permissions';
import type { Tx } from '@/lib/db';
import { assertKeyAccess } from '@/lib/storage/assert-key-access';
import { modelStagingKey } from '@/lib/storage/keys';
import { presignStagedPut } from './presign-staged-put';
import type { StagedRegistrationDto, TStageRegistration } from './schemas';

/** a staged registration not completed within this long is swept (its objects deleted) */
export const STAGING_LIFETIME_S = 24 * 3600;

/**
 * Opens a registration of <model>@<version>: records the declared files under server-made keys
 * (models/_staging/<registration>/<n>) and answers a presigned PUT for each, so the bytes go from the
 * client straight to the store. Nothing is validated or created until completion.
 */
export async function stageRegistration(
  tx: Tx,
  p: { input: TStageRegistration; userId: string; projectId: string | null; role: Role | null },
): Promise<StagedRegistrationDto> {
  const id = randomUUID();
  const declared: Omit<StagedFile, 'key'>[] = [
    { role: 'onnx', ...p.input.onnx },
    { role: 'spec', ...p.input.spec },
    ...p.input.references.flatMap((r, pair) => [
      { role: 'reference-input' as const, pair, ...r.input },
      { role: 'reference-mask' as const, pair, ...r.mask },
    ]),
  ];
  const files: StagedFile[] = declared.map((f, index) => ({ ...f, key: modelStagingKey({ registrationId: id, index }) }));
  // the same prefix rules that generate deploy/iam/
  for (const f of files) assertKeyAccess({ role: p.role, projectId: p.projectId, action: 'put', key: f.key });
  const expiresAt = new Date(Date.now() + STAGING_LIFETIME_S * 1000);
  await tx.insert(modelRegistrations).values({
    id,
    modelName: p.input.model,
    version: p.input.version,
    projectId: p.projectId,
    createdBy: p.userId,
    files,
    expiresAt,
  });
  const signed = await Promise.all(files.map((f) => presignStagedPut(f)));
  return {
    id,
    model: p.input.model,
    version: p.input.version,
    expiresAt: expiresAt.toISOString(),
    files: files.map((f, i) => ({ role: f.role, ...(f.pair !== undefined ? { pair: f.pair } : {}), name: f.name, size: f.size, upload: signed[i] })),
    complete: `/api/models/${encodeURIComponent(p.input.model)}/versions/${encodeURIComponent(p.input.version)}/complete`,
  };
}
