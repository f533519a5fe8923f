/**
 * `npm run bench upload-cli`: `segflow upload` of the 30-file CT series as a whole process (start-up,
 * hashing, registration, signing, PUTs, completion and the server's read-back check, the summary)
 * through the real upload API route handlers served over HTTP in this process, on the PostgreSQL of
 * DATABASE_URL (a test project per round: a project refuses files it already holds) and an embedded
 * S3 server started here in a process of its own (as `segflow start` runs it apart from the app; S3
 * is apart from the app anywhere). Baseline in the same run, interleaved round by round: plain
 * PutObject of the same 30 files, one after another, from this process, to the same server. Not part of CI.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCliBuild } from '../bin/build-cli.mjs';
import { EMBEDDED_S3_CREDENTIALS } from '../lib/embedded/s3-server';
import { REPO_ROOT, runCli } from '../test/run-cli';
import { startBenchStore } from './bench-store';
import type { BenchLine } from './harness';
import { loadNote } from './process-time';

export const onlyWhenNamed = true;

const ROUNDS = 3;
const SERIES = join(REPO_ROOT, 'fixtures/dicom/series/tcia-lung-pet-ct-dx-ct');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchLine[]> {
  if (!process.env.DATABASE_URL) throw new Error('upload-cli bench: set DATABASE_URL to a PostgreSQL database (it is migrated and test projects are added)');
  // before anything reads the configuration: the route handlers sign and check against this store,
  // which runs in its own process as beside `segflow start`'s app (and as S3 does anywhere else)
  const { work, s3 } = await startBenchStore({ prefix: 'upload', ownProcess: true });
  const { migrateDatabase } = await import('../lib/platform/migrate');
  const { closeDb, getDb } = await import('../lib/db');
  const { createTestProject } = await import('../test/test-project');
  const { serveUploadApi } = await import('../lib/uploads/test/dispatch-api');
  await migrateDatabase(process.env.DATABASE_URL);
  await ensureCliBuild(REPO_ROOT); // built before timing
  const api = await serveUploadApi();
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: EMBEDDED_S3_CREDENTIALS });

  // the .dcm files only (the fixture folder also holds its provenance note, which upload refuses)
  const input = join(work, 'ct');
  mkdirSync(input);
  const names = readdirSync(SERIES).filter((f) => f.endsWith('.dcm'));
  for (const f of names) copyFileSync(join(SERIES, f), join(input, f));
  const bytes = names.reduce((s, f) => s + statSync(join(input, f)).size, 0);

  const cli = async () => {
    const tp = await createTestProject(getDb());
    const t0 = performance.now();
    const res = await runCli(['upload', input, '--project', tp.slug], {
      SEGFLOW_URL: api.url,
      SEGFLOW_TOKEN: tp.users.researcher.token,
      SEGFLOW_DATA_DIR: join(work, 'cli-data'),
    });
    const ms = performance.now() - t0;
    if (res.code !== 0) throw new Error(`segflow upload exited ${res.code}: ${res.stderr.slice(-2000)}`);
    const summary = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { series?: { instances: number }[] };
    if (summary.series?.[0]?.instances !== names.length)
      throw new Error(`segflow upload: expected one series of ${names.length}, got ${res.stdout.slice(-500)}`);
    return ms;
  };
  let k = 0;
  const putAll = async () => {
    const t0 = performance.now();
    for (const f of names) await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `bench/${k}/${f}`, Body: readFileSync(join(input, f)) }));
    k++;
    return performance.now() - t0;
  };

  try {
    await cli(); // warm-up: route modules loaded, connections opened
    await putAll();
    const cliMs: number[] = [];
    const putMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      cliMs.push(await cli());
      putMs.push(await putAll());
    }
    const mibs = (ms: number) => bytes / 1024 / 1024 / (ms / 1000);
    process.stderr.write(
      `upload-cli bench: ${names.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB; cli=${cliMs.map(Math.round).join('/')} put=${putMs.map(Math.round).join('/')} ms; ${loadNote()}\n`,
    );
    return [
      {
        name: `segflow upload of the 30-file CT (whole process, real API routes over HTTP, ${(bytes / 1024 / 1024).toFixed(1)} MiB)`,
        value: mibs(median(cliMs)),
        unit: 'MiB/s',
        ratios: [{ against: 'plain PutObject of the same files, one after another, same server', ratio: median(putMs) / median(cliMs), target: '>= 0.5' }],
      },
    ];
  } finally {
    await api.close();
    await closeDb();
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
}
