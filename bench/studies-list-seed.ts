/**
 * Seeds the bench database with `n` studies and a series each, entirely in SQL (generate_series,
 * INSERT … SELECT): 10 projects (half of all studies in the first), 20,000 subjects per project,
 * modalities weighted like a working platform (MR 60 %, CT 30 %, PT 8 %, SEG 2 %), created over the
 * last year in groups of 3 sharing one created_at (ties the cursor must handle).
 */
import type postgres from 'postgres';

export const BENCH_STUDY_PROJECTS = 10;
export const BENCH_SUBJECTS_PER_PROJECT = 20_000;

export async function seedStudies(sql: postgres.Sql, n: number, log: (s: string) => void): Promise<void> {
  const t0 = performance.now();
  await sql`insert into projects (slug, name, deid_secret) select 'bench-' || g, 'Bench ' || g, md5(g::text) from generate_series(0, ${BENCH_STUDY_PROJECTS - 1}) g`;
  await sql`
    insert into studies (project_id, label, subject_pseudonym, created_at)
    select p.id, 'S-' || lpad(g::text, 7, '0'), 'SUBJ-' || (abs(hashint4extended(g, 1)) % ${BENCH_SUBJECTS_PER_PROJECT}),
           now() - (g / 3) * interval '94.5 seconds'
    from generate_series(1, ${n}) g
    join (select (row_number() over (order by slug))::int - 1 as i, id from projects) p
      on p.i = case when g % 2 = 0 then 0 else 1 + (g / 2) % ${BENCH_STUDY_PROJECTS - 1} end`;
  log(`  seeded ${n} studies in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  await sql`
    insert into series (project_id, study_id, kind, series_instance_uid, modality, instances)
    select s.project_id, s.id, 'dicom', '2.25.' || abs(hashint8extended(hashtext(s.id::text), 0)),
           case when x.m < 60 then 'MR' when x.m < 90 then 'CT' when x.m < 98 then 'PT' else 'SEG' end, 100
    from studies s cross join lateral (select abs(hashtext(s.id::text)) % 100 as m) x`;
  log(`  seeded ${n} series in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  await sql`analyze`;
}
