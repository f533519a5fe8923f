import type { Run } from '@/db/schema';
import { parseRunParams } from '@/db/schema/run-json';
import type { RunDto } from './schemas';

/** A run as the API and pages show it; the shadow version only to roles that may see shadow results. */
export function runDto(run: Run, studyLabel: string, seeShadow: boolean): RunDto {
  const p = parseRunParams(run);
  return {
    id: run.id,
    runKey: run.runKey,
    status: run.status,
    studyId: run.studyId,
    studyLabel,
    seriesId: p.seriesId,
    kind: p.kind,
    model: p.model,
    serving: { role: p.serving.role, version: p.serving.version },
    ...(seeShadow && p.shadow ? { shadow: { version: p.shadow.version } } : {}),
    pipelineVersion: run.pipelineVersion,
    error: run.error,
    warnings: run.warnings,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    manifestKey: run.manifestKey,
    manifestSha256: run.manifestSha256,
    attempt: run.attempt,
  };
}
