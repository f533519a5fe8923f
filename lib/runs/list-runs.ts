import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { models, modelVersions, runs, studies, users } from '@/db/schema';
import type { DbOrTx } from '../db';
import { RUNS_PAGE_DEFAULT, type TRunsFilter } from './list-runs-query';
import { runDto } from './run-dto';
import { encodeRunsCursor } from './runs-cursor';
import type { RunDto } from './schemas';

export interface RunsPage {
  runs: RunDto[];
  /** the cursor of the next page, null on the last one */
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** created_at to the microsecond, in UTC: what the cursor carries */
const createdAtText = sql<string>`to_char(${runs.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The page's query (limit + 1 rows, to know whether a next page exists); the bench EXPLAINs it. */
export function runsPageQuery(db: DbOrTx, p: { projectId: string; filter?: Partial<TRunsFilter> }) {
  const f = p.filter ?? {};
  const limit = f.limit ?? RUNS_PAGE_DEFAULT;
  const where: (SQL | undefined)[] = [eq(runs.projectId, p.projectId)];
  if (f.status) where.push(eq(runs.status, f.status));
  if (f.study) {
    where.push(
      UUID.test(f.study)
        ? eq(runs.studyId, f.study)
        : eq(
            runs.studyId,
            sql`(select ${studies.id} from ${studies} where ${studies.projectId} = ${p.projectId} and ${studies.label} = ${f.study.toUpperCase()})`,
          ),
    );
  }
  if (f.model && f.version) {
    // one version row: its id is what the version index holds
    where.push(
      eq(
        runs.modelVersionId,
        sql`(select ${modelVersions.id} from ${modelVersions} join ${models} on ${models.id} = ${modelVersions.modelId} where ${models.name} = ${f.model} and ${modelVersions.version} = ${f.version})`,
      ),
    );
  } else if (f.model) {
    where.push(sql`(${runs.params}->>'model') = ${f.model}`);
  }
  if (f.submitter) {
    where.push(
      UUID.test(f.submitter)
        ? eq(runs.submittedBy, f.submitter)
        : eq(runs.submittedBy, sql`(select ${users.id} from ${users} where ${users.email} = ${f.submitter.toLowerCase()})`),
    );
  }
  if (f.warnings === 'only') where.push(sql`${runs.warnings} <> '[]'::jsonb`);
  if (f.from) where.push(gte(runs.createdAt, f.from));
  if (f.to) where.push(lt(runs.createdAt, f.to));
  if (f.cursor) {
    // a row comparison, which a btree index on (…, created_at, id) takes as its scan boundary
    where.push(sql`(${runs.createdAt}, ${runs.id}) < (${f.cursor.at}::timestamptz, ${f.cursor.id}::uuid)`);
  }
  return db
    .select({ run: runs, label: studies.label, at: createdAtText })
    .from(runs)
    .innerJoin(studies, eq(studies.id, runs.studyId))
    .where(and(...where))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit + 1)
    .$dynamic();
}

/**
 * One page of a project's runs, newest first, by keyset on (created_at, id): each filter has its
 * index (db/schema/runs.ts), so a page deep in the cursor chain costs what the first page costs.
 * Model and version name the serving model, as the run recorded it.
 */
export async function listRuns(db: DbOrTx, p: { projectId: string; seeShadow: boolean; filter?: Partial<TRunsFilter> }): Promise<RunsPage> {
  const limit = p.filter?.limit ?? RUNS_PAGE_DEFAULT;
  const rows = await runsPageQuery(db, p);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    runs: page.map((r) => runDto(r.run, r.label, p.seeShadow)),
    nextCursor: rows.length > limit && last ? encodeRunsCursor({ at: last.at, id: last.run.id }) : null,
  };
}
