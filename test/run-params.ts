import { randomUUID } from 'node:crypto';
import type { TRunParams } from '../db/schema/run-json';

/** runs.params for a run row a test inserts directly (the column is typed: lib/runs/submit-run.ts writes it). */
export function fakeRunParams(
  p: {
    role?: 'live' | 'canary';
    versionId?: string;
    version?: string;
    model?: string;
    spec?: Record<string, unknown>;
    shadow?: { versionId: string; version: string };
  } = {},
): TRunParams {
  const model = p.model ?? 'm';
  const ref = (version: string, versionId: string) => ({
    model,
    version,
    versionId,
    sha256: '0'.repeat(64),
    artifactKey: `models/${model}/${version}/model.onnx`,
    spec: p.spec ?? {},
  });
  return {
    model,
    seriesId: randomUUID(),
    kind: 'nifti',
    deidOptions: {},
    serving: { role: p.role ?? 'live', ...ref(p.version ?? '1', p.versionId ?? randomUUID()) },
    ...(p.shadow ? { shadow: { role: 'shadow' as const, ...ref(p.shadow.version, p.shadow.versionId) } } : {}),
  };
}
