import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { runSteps } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import type { Db } from '@/lib/db';
import { stepOutputKey } from '@/lib/storage/keys';
import { putObject } from '@/lib/storage/objects';
import type { TestProject } from '@/test/test-project';
import type { SeededRun } from './seed-run-images';

/**
 * Makes a seeded run (seed-run-images.ts) one on a DICOM series, as the pipeline leaves it: the
 * deidentify step's instances and a seg.dcm beside each infer task's mask, as small objects in the
 * store (bytes stand in for DICOM: the route hands out links, it does not parse them).
 */
export async function addDicomOutputs(
  db: Db,
  project: TestProject,
  seeded: SeededRun,
  opts: { instances?: number; instanceKey?: (k: string) => string } = {},
): Promise<{ instances: string[]; segs: Record<'infer-serving' | 'infer-shadow', string> }> {
  const run = seeded.run;
  const key = (task: string, name: string) => stepOutputKey({ projectId: project.id, studyId: run.studyId, runId: run.id, task, name });
  const put = async (k: string) => {
    const bytes = new Uint8Array(randomBytes(64));
    const r = await putObject({ key: k, body: bytes, contentType: 'application/dicom' });
    return { key: k, versionId: r.versionId, sha256: r.sha256, size: r.size };
  };
  const instances = [];
  for (let n = 0; n < (opts.instances ?? 3); n++) {
    const name = `${String(n).padStart(5, '0')}.dcm`;
    instances.push({ name, ...(await put((opts.instanceKey ?? ((k: string) => k))(key('deidentify', name)))) });
  }
  await db.insert(runSteps).values({
    runId: run.id,
    name: 'deidentify',
    status: 'succeeded',
    attempts: 1,
    startedAt: new Date(),
    finishedAt: new Date(),
    outputs: instances,
  });
  const segs = { 'infer-serving': '', 'infer-shadow': '' };
  for (const task of ['infer-serving', 'infer-shadow'] as const) {
    const [step] = await db
      .select()
      .from(runSteps)
      .where(and(eq(runSteps.runId, run.id), eq(runSteps.name, task)));
    if (!step) continue;
    const seg = { name: 'seg.dcm', ...(await put(key(task, 'seg.dcm'))) };
    segs[task] = seg.key;
    await db
      .update(runSteps)
      .set({ outputs: [...parseStepOutputs(step), seg] })
      .where(eq(runSteps.id, step.id));
  }
  return { instances: instances.map((i) => i.key), segs };
}
