import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { closeDb, getDb } from '../db';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from '../embedded/s3-server';
import { startEmbeddedDatabase } from '../embedded/pglite-server';
import { buildIsCurrent, currentBuildStamp } from './build-stamp';
import { startExecutorChild, stopChild } from './executor-child';
import { config, runtimeFilePath, type TRuntimeFile } from '../config';
import { migrateDatabase } from './migrate';
import { DEMO_LOGINS, seedDemo } from './seed-demo';
import { seedDemoContent } from './seed-demo-content';
import { sweepAbandonedUploads } from '../uploads/sweep-abandoned-uploads';
import { sweepStagedRegistrations } from '../models/registration/sweep-staged-registrations';
import { writeAuditCheckpoint } from '../audit/write-audit-checkpoint';
import { writePublicKeyFile } from '../manifests/public-key-document';
import { loadSigningKey } from '../manifests/signing-key';
import { logger } from '../log/logger';

const log = logger('platform');

const require = createRequire(import.meta.url);

function authSecret(dir: string): string {
  const fromEnv = config().auth.secret;
  if (fromEnv) return fromEnv;
  const file = join(dir, 'auth-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function waitForHealth(url: string, child: { exitCode: number | null }): Promise<boolean> {
  for (let i = 0; i < 240 && child.exitCode === null; i++) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/**
 * The production build of the app (`next build --webpack`): minutes on a small machine the first
 * time, and next prints nothing for most of them, so say what is happening and how long it has taken.
 */
async function buildApp(nextBin: string, env: NodeJS.ProcessEnv): Promise<void> {
  const started = Date.now();
  console.log(
    '[segflow] building the app for production (next build --webpack): the first start takes a few minutes, later starts reuse the build until the sources change',
  );
  const elapsed = () => {
    const s = Math.round((Date.now() - started) / 1000);
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  };
  const progress = setInterval(() => console.log(`[segflow] still building… ${elapsed()}`), 20_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const build = spawn(process.execPath, [nextBin, 'build', '--webpack'], { stdio: 'inherit', env });
      build.on('error', reject);
      build.on('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`next build failed (exit ${code}) after ${elapsed()}: see its output above`);
  } finally {
    clearInterval(progress);
  }
  console.log(`[segflow] build done in ${elapsed()}`);
}

/**
 * `segflow start`: the whole platform on one machine. Uses DATABASE_URL / S3_ENDPOINT when set;
 * otherwise starts the embedded PGlite (served over the PostgreSQL protocol) and the embedded S3
 * server, with their data under .data/. Applies migrations, seeds demo data, builds the app if the
 * build is missing or stale, and serves it (SEGFLOW_EXECUTOR=none: the app takes no runs), with the
 * executor beside it as its own process (`segflow executor`).
 */
export async function startPlatform(opts: { port: number; dev: boolean }): Promise<void> {
  const root = process.cwd();
  const cfg = config();
  const dir = cfg.dataDir;
  mkdirSync(dir, { recursive: true });
  // the public half beside the key, for verifiers on this machine (the app also serves it)
  writePublicKeyFile(loadSigningKey(), dir);
  const appUrl = cfg.auth.url ?? `http://localhost:${opts.port}`;
  const closers: (() => Promise<void>)[] = [];
  const runtime: TRuntimeFile = { appUrl, pid: process.pid };
  // NEXT_TELEMETRY_DISABLED: medical-imaging deployments send nothing home, and this machine cannot.
  const childEnv: NodeJS.ProcessEnv = {
    // biome-ignore lint/style/noProcessEnv: the children inherit this process's environment
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    SEGFLOW_DATA_DIR: dir,
    NEXTAUTH_URL: appUrl,
    NEXTAUTH_SECRET: authSecret(dir),
  };

  let databaseUrl = cfg.database.url;
  if (!databaseUrl) {
    // a Unix socket in an owner-only dir, no TCP port: PGlite has no passwords, so only this user's processes may reach it
    const pg = await startEmbeddedDatabase({ dir: join(dir, 'pg'), socketDir: join(dir, 'pg-socket') });
    closers.push(pg.close);
    databaseUrl = pg.url;
    runtime.databaseUrl = pg.url;
  }
  childEnv.DATABASE_URL = databaseUrl;

  if (!cfg.s3) {
    const s3 = await startEmbeddedS3({
      dir: join(dir, 's3'),
      port: cfg.ports.embeddedS3,
      bucket: 'segflow',
      corsOrigins: [appUrl, appUrl.replace('localhost', '127.0.0.1')],
    });
    closers.push(s3.close);
    runtime.s3 = { endpoint: s3.endpoint, bucket: s3.bucket, region: 'us-east-1', ...EMBEDDED_S3_CREDENTIALS };
    Object.assign(childEnv, {
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
      S3_VERSIONED: 'true',
    });
  }
  writeFileSync(runtimeFilePath(), `${JSON.stringify(runtime, null, 2)}\n`, { mode: 0o600 });
  // biome-ignore lint/style/noProcessEnv: this process's own later config() reads see the embedded database
  Object.assign(process.env, { DATABASE_URL: childEnv.DATABASE_URL });

  // as the schema owner when SEGFLOW_MIGRATE_DATABASE_URL names one; the app and executor then act as SEGFLOW_DB_ROLE
  await migrateDatabase(cfg.database.migrateUrl ?? databaseUrl);
  const demo = runtime.databaseUrl !== undefined || cfg.demo.seedExternal;
  if (demo) {
    const seeded = await seedDemo(getDb(), { tokensFile: join(dir, 'demo-tokens.json') });
    await seedDemoContent(getDb(), { projectId: seeded.projectId, researcherId: seeded.userIds.researcher, ownModels: true });
  }
  await closeDb();

  const nextBin = require.resolve('next/dist/bin/next');
  if (!opts.dev && !buildIsCurrent(root)) {
    const stamp = currentBuildStamp(root);
    await buildApp(nextBin, childEnv);
    writeFileSync(join(root, '.next', 'segflow-build-stamp'), stamp);
  }
  // this machine only unless SEGFLOW_HOST says otherwise (the cluster's app runs `next start` itself)
  const listen = ['-p', String(opts.port), '-H', cfg.host];
  const args = opts.dev ? ['dev', '--webpack', ...listen] : ['start', ...listen];
  // the app takes no runs: the executor is a process of its own (unless SEGFLOW_EXECUTOR=none: then none runs here)
  const child = spawn(process.execPath, [nextBin, ...args], { stdio: 'inherit', env: { ...childEnv, SEGFLOW_EXECUTOR: 'none' } });
  const executor = cfg.executor.takesRuns ? startExecutorChild({ root, env: childEnv, shutdownTimeoutS: cfg.executor.shutdownTimeoutS }) : null;

  // abandoned multipart uploads are aborted hourly (the bucket lifecycle rule is the backstop)
  setInterval(() => void sweepAbandonedUploads(getDb()).catch((err) => log.error({ err }, 'upload sweep failed')), 3_600_000).unref();
  // model registrations staged and never completed: their staged objects deleted once expired
  setInterval(() => void sweepStagedRegistrations(getDb()).catch((err) => log.error({ err }, 'registration sweep failed')), 3_600_000).unref();

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    executor?.holdRestarts();
    // in order: the app (no new submissions; next start exits at once on SIGTERM, never left on the
    // port), then the executor (finishes or hands back its step: it needs the database and the store),
    // then the embedded database and S3 server
    await stopChild(child, 10_000);
    await executor?.stop();
    // every writer has stopped: anchor the chain's last events before the embedded servers go
    await writeAuditCheckpoint(getDb())
      .catch((err) => log.error({ err }, 'audit checkpoint not written'))
      .finally(closeDb);
    for (const close of closers.reverse()) await close().catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  child.on('exit', (code) => void shutdown(code ?? 0));

  if (await waitForHealth(`http://127.0.0.1:${opts.port}`, child)) {
    console.log(`\n[segflow] ready at ${appUrl}`);
    if (demo) {
      console.log('[segflow] demo logins (project "demo"):');
      for (const u of DEMO_LOGINS) console.log(`  ${u.label.padEnd(10)} ${u.email} / ${u.password}`);
      console.log(`[segflow] demo API tokens of the embedded demo mode, for the CLI: ${join(dir, 'demo-tokens.json')}`);
    }
  }
}
