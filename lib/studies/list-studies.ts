import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { studies, studyModalities } from '@/db/schema';
import type { DbOrTx } from '../db';
import { encodeRunsCursor } from '../runs/runs-cursor';
import { STUDIES_PAGE_DEFAULT, type TStudiesFilter } from './list-studies-query';

export interface StudyListItem {
  id: string;
  label: string;
  subjectPseudonym: string | null;
  createdAt: Date;
  seriesCount: number;
  modalities: string[];
}

export interface StudiesPage {
  studies: StudyListItem[];
  /** the cursor of the next page, null on the last one */
  nextCursor: string | null;
}

/** created_at to the microsecond, in UTC: what the cursor carries */
const createdAtText = sql<string>`to_char(${studies.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The page's query (limit + 1 rows, to know whether a next page exists); the bench EXPLAINs it.
 * Series are counted per row of the page (series_study_idx), never grouped over the whole project.
 * A modality filter walks study_modalities (project, modality, created_at, study) in keyset order,
 * joined to the study: a rare modality is not found by probing the series of every study before it.
 * Studies with no series yet (nothing indexed) are left out.
 */
export function studiesPageQuery(db: DbOrTx, p: { projectId: string; filter?: Partial<TStudiesFilter> }) {
  const f = p.filter ?? {};
  const limit = f.limit ?? STUDIES_PAGE_DEFAULT;
  // the keyset: the study's (created_at, id), read from study_modalities when it drives the scan
  const at = f.modality ? studyModalities.createdAt : studies.createdAt;
  const id = f.modality ? studyModalities.studyId : studies.id;
  const where: (SQL | undefined)[] = f.modality
    ? [eq(studyModalities.projectId, p.projectId), eq(studyModalities.modality, f.modality)]
    : [eq(studies.projectId, p.projectId)];
  // a study is listed once something of it is indexed: an upload cancelled, abandoned or refused
  // before any file went through leaves an empty study row behind, which the list does not show
  where.push(sql`exists (select 1 from series sr where sr.study_id = "studies"."id")`);
  if (f.subject) where.push(eq(studies.subjectPseudonym, f.subject));
  if (f.from) where.push(gte(at, f.from));
  if (f.to) where.push(lt(at, f.to));
  // a row comparison, which a btree index on (…, created_at, id) takes as its scan boundary
  if (f.cursor) where.push(sql`(${at}, ${id}) < (${f.cursor.at}::timestamptz, ${f.cursor.id}::uuid)`);
  const q = db
    .select({
      id: studies.id,
      label: studies.label,
      subjectPseudonym: studies.subjectPseudonym,
      createdAt: studies.createdAt,
      at: createdAtText,
      // table-qualified by hand: drizzle leaves columns in a select list unqualified, and `id` would be the series'
      seriesCount: sql<number>`(select count(*)::int from series sr where sr.study_id = "studies"."id")`,
      modalities: sql<
        string[]
      >`(select coalesce(array_agg(distinct sr.modality) filter (where sr.modality is not null), '{}') from series sr where sr.study_id = "studies"."id")`,
    })
    .from(studies)
    .$dynamic();
  if (f.modality) q.innerJoin(studyModalities, eq(studyModalities.studyId, studies.id));
  return q
    .where(and(...where))
    .orderBy(desc(at), desc(id))
    .limit(limit + 1);
}

/**
 * One page of a project's studies, newest first, by keyset on (created_at, id), with pseudonymous
 * fields only: a page deep in the cursor chain costs what the first page costs (db/schema/studies.ts).
 */
export async function listStudies(db: DbOrTx, p: { projectId: string; filter?: Partial<TStudiesFilter> }): Promise<StudiesPage> {
  const limit = p.filter?.limit ?? STUDIES_PAGE_DEFAULT;
  const rows = await studiesPageQuery(db, p);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    studies: page.map(({ at: _at, ...s }) => s),
    nextCursor: rows.length > limit && last ? encodeRunsCursor({ at: last.at, id: last.id }) : null,
  };
}
