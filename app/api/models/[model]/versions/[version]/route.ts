import { z } from 'zod';
import { route } from '@/lib/auth/route';
import { getModelVersion } from '@/lib/models/get-model-version';
import { assertKeyAccess } from '@/lib/storage/assert-key-access';
import { presignGet } from '@/lib/storage/presign-get';

/**
 * GET /api/models/:model/versions/:version — a registered version: its spec, SHA-256 and a
 * short-lived URL to the artifact (models/ holds no PHI). The CLI's `infer --model name@version`
 * and workers outside the cluster fetch models this way and check the hash before loading.
 */
export const GET = route(
  {
    action: 'model.version.read',
    permission: 'model:read',
    input: z.object({ model: z.string().min(1).max(128), version: z.string().min(1).max(128) }),
    project: () => null,
    target: (i) => ({ type: 'model_version', id: `${i.model}@${i.version}` }),
  },
  async (ctx) => {
    const v = await getModelVersion(ctx.tx, ctx.input);
    assertKeyAccess({ role: ctx.role, projectId: null, action: 'get', key: v.artifactKey });
    const artifact = await presignGet({ key: v.artifactKey });
    return { model: v.modelName, version: v.version, sha256: v.sha256, status: v.status, spec: v.spec, artifact: { key: v.artifactKey, ...artifact } };
  },
);
