import type { Run } from '@/db/schema';
import { stepLogKey } from '@/lib/storage/keys';
import { putObject } from '@/lib/storage/objects';
import type { StepLog } from './step-log';

/** Stores what one attempt of a task printed under its key (the same key again while it runs: the live view reads it). */
export async function saveStepLog(p: {
  run: Pick<Run, 'id' | 'projectId' | 'studyId'>;
  task: string;
  attempt: number;
  log: StepLog;
  final: boolean;
}): Promise<void> {
  const key = stepLogKey({ projectId: p.run.projectId, studyId: p.run.studyId, runId: p.run.id, task: p.task, attempt: p.attempt });
  await putObject({ key, body: p.log.take(p.final), contentType: 'application/x-ndjson' });
}
