/**
 * Seeds the bench database with `runs` runs and their steps, entirely in SQL (generate_series,
 * INSERT … SELECT): 10 projects (half of all runs in the first), 1,000 studies and 20 submitters per
 * project, 4 models × 3 versions, statuses weighted like a working platform (80 % succeeded),
 * created over the last year in groups of 3 sharing one created_at (ties the cursor must handle).
 */
import type postgres from 'postgres';
import { PIPELINE_VERSION, planRun } from '../lib/pipeline/definition';

export const BENCH_PROJECTS = 10;
export const BENCH_STUDIES_PER_PROJECT = 1000;
export const BENCH_USERS_PER_PROJECT = 20;
export const BENCH_MODELS = ['brain-tissue', 'liver', 'lung-nodule', 'prostate'];
export const BENCH_VERSIONS = ['1.0.0', '1.1.0', '2.0.0'];

export async function seedRuns(pool: postgres.Sql, runs: number, log: (s: string) => void): Promise<void> {
  // one connection throughout: the lookup tables are temporary (this session's)
  const sql = await pool.reserve();
  try {
    await seed(sql, runs, log);
  } finally {
    sql.release();
  }
}

async function seed(sql: postgres.ReservedSql, runs: number, log: (s: string) => void): Promise<void> {
  const steps = planRun({ shadow: false }).map((t) => t.id);
  const t0 = performance.now();
  const step = async (what: string, q: () => Promise<unknown>) => {
    const t = performance.now();
    await q();
    log(`  seeded ${what} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await sql`set synchronous_commit = off`;
  await step('projects, users, studies, models', async () => {
    await sql`insert into projects (slug, name, deid_secret) select 'bench-' || g, 'Bench ' || g, md5(g::text) from generate_series(0, ${BENCH_PROJECTS - 1}) g`;
    await sql`create temp table bp as select (row_number() over (order by slug))::int - 1 as i, id from projects`;
    await sql`insert into users (email, name) select 'bench-' || p || '-' || u || '@bench.segflow', 'Bench user ' || p || '/' || u
              from generate_series(0, ${BENCH_PROJECTS - 1}) p, generate_series(0, ${BENCH_USERS_PER_PROJECT - 1}) u`;
    await sql`create temp table bu as select split_part(split_part(email, '@', 1), '-', 2)::int as pi, split_part(split_part(email, '@', 1), '-', 3)::int as k, id from users`;
    await sql`insert into memberships (user_id, project_id, role) select bu.id, bp.id, 'researcher' from bu join bp on bp.i = bu.pi`;
    await sql`insert into studies (project_id, label, created_at) select bp.id, 'S-' || lpad(g::text, 5, '0'), now() - interval '400 days'
              from bp, generate_series(0, ${BENCH_STUDIES_PER_PROJECT - 1}) g`;
    await sql`create temp table bs as select (row_number() over (partition by s.project_id order by s.label))::int - 1 as j, bp.i as pi, s.id from studies s join bp on bp.id = s.project_id`;
    await sql`create index on bs (pi, j)`;
    await sql`insert into models (name) select unnest(${BENCH_MODELS}::text[])`;
    await sql`insert into model_versions (model_id, version, sha256, artifact_key, spec, status)
              select m.id, v, encode(sha256((m.name || v)::bytea), 'hex'), 'models/' || m.name || '/' || v || '/model.onnx', '{}'::jsonb, 'validated'
              from models m, unnest(${BENCH_VERSIONS}::text[]) v`;
    await sql`create temp table bmv as select (row_number() over (order by m.name, mv.version))::int - 1 as k, m.name, mv.version, mv.id, mv.sha256, mv.artifact_key
              from model_versions mv join models m on m.id = mv.model_id`;
    for (const t of ['bp', 'bu', 'bs', 'bmv']) await sql.unsafe(`analyze ${t}`);
  });
  const nVersions = BENCH_MODELS.length * BENCH_VERSIONS.length;
  await step(
    `${runs} runs`,
    () =>
      sql`insert into runs (project_id, study_id, run_key, status, pipeline_version, model_version_id, served_by, params, submitted_by, created_at, started_at, finished_at, error)
        select bp.id, bs.id, md5(g::text) || md5((-g)::text), x.status::run_status, ${PIPELINE_VERSION}, bmv.id, 'live',
               jsonb_build_object('model', bmv.name, 'seriesId', md5(g::text)::uuid::text, 'kind', 'nifti', 'deidOptions', '{}'::jsonb,
                 'serving', jsonb_build_object('role', 'live', 'model', bmv.name, 'version', bmv.version, 'versionId', bmv.id::text,
                   'sha256', bmv.sha256, 'artifactKey', bmv.artifact_key, 'spec', '{}'::jsonb)),
               bu.id, x.created, case when x.status <> 'queued' then x.created + interval '5 seconds' end,
               case when x.status in ('succeeded', 'failed', 'cancelled') then x.created + interval '5 seconds' + (30 + g % 90) * interval '1 second' end,
               case when x.status = 'failed' then 'infer-serving: out of memory' end
        from generate_series(1, ${runs}) g
        -- independent pseudo-random choices per run (seeded hashes of g), so no filter is correlated with another
        cross join lateral (select abs(hashint4extended(g, 1)) % 100 as s, abs(hashint4extended(g, 2)) as study, abs(hashint4extended(g, 3)) as user_k,
                                   abs(hashint4extended(g, 4)) as version_k) x0
        cross join lateral (select
          case when g % 2 = 0 then 0 else 1 + (g / 2) % ${BENCH_PROJECTS - 1} end as pi,
          case when x0.s < 80 then 'succeeded' when x0.s < 88 then 'failed' when x0.s < 93 then 'cancelled'
               when x0.s < 97 then 'queued' else 'running' end as status,
          now() - (g / 3) * interval '94.5 seconds' as created) x
        join bp on bp.i = x.pi
        join bs on bs.pi = x.pi and bs.j = x0.study % ${BENCH_STUDIES_PER_PROJECT}
        join bu on bu.pi = x.pi and bu.k = x0.user_k % ${BENCH_USERS_PER_PROJECT}
        join bmv on bmv.k = x0.version_k % ${nVersions}`,
  );
  await step(
    `${runs * steps.length} run steps`,
    () =>
      sql`insert into run_steps (run_id, name, status, attempts, started_at, finished_at, error)
        select r.id, t.name,
          (case r.status
            when 'succeeded' then 'succeeded'
            when 'failed' then case when t.n < 4 then 'succeeded' when t.n = 4 then 'failed' else 'skipped' end
            when 'cancelled' then case when t.n < 3 then 'succeeded' else 'cancelled' end
            when 'running' then case when t.n < 3 then 'succeeded' when t.n = 3 then 'running' else 'pending' end
            else 'pending' end)::step_status,
          case when r.status = 'queued' then 0 else 1 end,
          case when r.status <> 'queued' then r.started_at + (t.n - 1) * interval '10 seconds' end,
          case when r.status in ('succeeded', 'failed', 'cancelled') then r.started_at + t.n * interval '10 seconds' end,
          case when r.status = 'failed' and t.n = 4 then 'out of memory' end
        from runs r cross join unnest(${steps}::text[]) with ordinality as t(name, n)`,
  );
  await step('analyze', () => sql`analyze`);
  log(`  seeded everything in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
