import { and, asc, eq, type SQL } from 'drizzle-orm';
import { dicomInstances, type DicomInstance } from '@/db/schema';
import type { DbOrTx } from '../db';
import { notFound } from './dicomweb-route';

/**
 * The indexed instances a WADO-RS path names (study, series of it, one instance of that), in series
 * and instance order. None → not found, naming the level that does not exist in the project.
 */
export async function findInstances(db: DbOrTx, p: { projectId: string; study: string; series?: string; instance?: string }): Promise<DicomInstance[]> {
  const d = dicomInstances;
  const c: SQL[] = [eq(d.projectId, p.projectId), eq(d.studyInstanceUid, p.study)];
  if (p.series) c.push(eq(d.seriesInstanceUid, p.series));
  if (p.instance) c.push(eq(d.sopInstanceUid, p.instance));
  const rows = await db
    .select()
    .from(d)
    .where(and(...c))
    .orderBy(asc(d.seriesNumber), asc(d.seriesInstanceUid), asc(d.instanceNumber), asc(d.sopInstanceUid));
  if (!rows.length) throw notFound(p.instance ? `instance ${p.instance}` : p.series ? `series ${p.series}` : `study ${p.study}`);
  return rows;
}
