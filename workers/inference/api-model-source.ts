import { AppError } from '@/lib/errors';
import { parseModelSpec } from '@/lib/models/model-spec';
import type { ModelSource } from './model-source';

export interface RegistryModelRef {
  spec: unknown;
  sha256: string;
  source: ModelSource;
}

/**
 * A registered version fetched through the app's API (GET /api/models/:model/versions/:version and
 * its presigned artifact URL). The caller passes `sha256` on to loadModel, which refuses bytes
 * whose hash differs from the registry's.
 */
export async function fetchRegistryModel(p: { ref: string; baseUrl: string; token: string }): Promise<RegistryModelRef> {
  const at = p.ref.lastIndexOf('@');
  const model = p.ref.slice(0, at);
  const version = p.ref.slice(at + 1);
  const res = await fetch(`${p.baseUrl}/api/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`, {
    headers: { authorization: `Bearer ${p.token}` },
  });
  const body = (await res.json().catch(() => null)) as { sha256?: string; spec?: unknown; artifact?: { url: string }; error?: { message: string } } | null;
  if (!res.ok || !body?.artifact || !body.sha256) {
    throw new AppError(res.status === 404 ? 'not_found' : 'unavailable', `--model ${p.ref}: ${body?.error?.message ?? `registry answered ${res.status}`}`);
  }
  const spec = parseModelSpec(body.spec, `${p.ref} spec`);
  const artifactUrl = body.artifact.url;
  return {
    spec,
    sha256: body.sha256,
    source: {
      describe: p.ref,
      readSpec: async () => spec,
      readModel: async () => {
        const r = await fetch(artifactUrl);
        if (!r.ok) throw new AppError('unavailable', `--model ${p.ref}: artifact download answered ${r.status}`);
        return new Uint8Array(await r.arrayBuffer());
      },
    },
  };
}
