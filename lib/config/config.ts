import { plainIssueMessage } from '../util/input-issues';
import { join, resolve } from 'node:path';
import { AppError } from '../errors';
import { ENV_NAMES, ZEnv, type TEnv } from './env-schema';

/**
 * segflow's configuration: the environment parsed once with zod (lib/config/env-schema.ts) into one
 * typed object. This is the bottom floor: it imports nothing of segflow but lib/errors.ts, and every
 * other module asks it instead of reading process.env.
 *
 * Caching: config() re-parses only when one of the declared variables changed. A parse-once cache
 * would be stale in the processes that set variables after start — the launcher assigns
 * DATABASE_URL once the embedded database is up, tests set SEGFLOW_MANIFEST_SIGNING_KEY or S3_* in
 * their setup — and parsing on every call would re-run zod on every getDb(). Comparing ~45 strings
 * is cheap, and nobody has to remember to reset anything (resetConfig() exists for the rare test
 * that wants a clean slate anyway).
 */
export type ExecutorKind = 'local' | 'argo';

export interface S3Settings {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  kmsKeyId?: string;
  forcePathStyle: boolean;
  /** the bucket must have versioning Enabled (ADR-02; S3_VERSIONED, default true): health is not ok otherwise */
  versioned: boolean;
}

export interface Config {
  /** .data/ unless SEGFLOW_DATA_DIR: the embedded database and store, keys, tokens, runtime file */
  dataDir: string;
  /** the checkout (bin/segflow.mjs, .next/): SEGFLOW_ROOT, else the working directory */
  root: string;
  ports: { app: number; embeddedS3: number };
  /** SEGFLOW_HOST: where `segflow start` listens (127.0.0.1 unless told otherwise) */
  host: string;
  /** set by Next.js in its server processes ('nodejs' or 'edge') */
  nextRuntime?: string;
  /** NODE_ENV is `development` (next dev) */
  dev: boolean;
  /** SEGFLOW_LOG_LEVEL: the level of the services' structured logs (lib/log) */
  logLevel: TEnv['SEGFLOW_LOG_LEVEL'];
  /**
   * DATABASE_URL (databaseUrl() adds the embedded database's from the runtime file); migrateUrl:
   * SEGFLOW_MIGRATE_DATABASE_URL, the schema owner's (migrationUrl() falls back to the app's);
   * appRole: the role every app connection acts as (SEGFLOW_DB_ROLE, default segflow_app; null: none);
   * prepare: queries run as prepared statements (DATABASE_PREPARE, default true; lib/prepared-statements.ts)
   */
  database: { url?: string; migrateUrl?: string; appRole: string | null; poolMax: number; prepare: boolean };
  /** from S3_* / AWS_* when S3_ENDPOINT or S3_BUCKET is set (s3Settings() adds the embedded store) */
  s3?: S3Settings;
  /** how the CLI reaches the app: SEGFLOW_URL and SEGFLOW_TOKEN */
  api: { url?: string; token?: string };
  auth: { secret?: string; url?: string; oidc?: { issuer: string; clientId: string; clientSecret: string; name: string } };
  uploads: { urlTtlS: number };
  /** origins whose pages may call /dicomweb cross-origin (bearer tokens only; cookies are never accepted cross-origin) */
  dicomweb: { corsOrigins: string[] };
  executor: {
    /** where runs execute: SEGFLOW_RUNS_ON when set; else Argo when SEGFLOW_EXECUTOR=argo, or ARGO_SERVER is set and SEGFLOW_EXECUTOR is not local; else this machine */
    kind: ExecutorKind;
    /** false with SEGFLOW_EXECUTOR=none: this process takes no runs (an API-only app replica) */
    takesRuns: boolean;
    pollMs: number;
    /** a claimed run's lease: renewed by its executor's heartbeat; another executor takes the run back once it lapsed */
    leaseS: number;
    /** SIGTERM: how long the running step may take to finish before it is killed and handed back */
    shutdownTimeoutS: number;
    /** liveness file of `segflow executor` */
    healthFile: string;
    /** how the local executor runs steps: warm worker processes (recycled after maxSteps or maxRssMb), or a process per step */
    stepWorkers: { mode: 'warm' | 'process'; maxSteps: number; maxRssMb: number };
  };
  argo?: { server: string; token?: string; tokenFile?: string; caFile?: string; namespace: string };
  manifests: { signingKeyPem?: string };
  /** signed audit checkpoints: one after `every` new events or `intervalS` seconds with new events, and at shutdown */
  audit: { checkpointEvery: number; checkpointIntervalS: number };
  rollout: { gatePolicyJson?: string };
  /** project webhooks: private targets allowed, per-attempt timeout, attempts before giving up */
  webhooks: { allowPrivate: boolean; timeoutMs: number; maxAttempts: number };
  demo: { seedExternal: boolean; run: boolean };
  steps: { deidSecret?: string };
}

function fail(env: Record<string, string | undefined>, issues: { path: PropertyKey[]; message: string }[]): never {
  const lines = issues.map((i) => {
    const name = String(i.path[0] ?? '(environment)');
    const value = env[name];
    // never echo secrets, even malformed ones
    const shown = value === undefined || /SECRET|TOKEN|KEY|PASSWORD/.test(name) ? '' : ` (got ${JSON.stringify(value.slice(0, 80))})`;
    return `${name}: ${i.message}${shown}`;
  });
  throw new AppError('invalid_input', `configuration: ${lines.join('; ')}`);
}

/** The configuration of an environment (pure: tests pass their own). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = ZEnv.safeParse(env, { error: plainIssueMessage });
  if (!parsed.success) fail(env, parsed.error.issues);
  const e: TEnv = parsed.data;
  if (e.SEGFLOW_EXECUTOR === 'argo' && !e.ARGO_SERVER)
    fail(env, [{ path: ['SEGFLOW_EXECUTOR'], message: 'argo needs ARGO_SERVER (and ARGO_TOKEN, ARGO_NAMESPACE)' }]);
  const dataDir = resolve(e.SEGFLOW_DATA_DIR ?? join(process.cwd(), '.data'));
  const s3: S3Settings | undefined =
    e.S3_ENDPOINT || e.S3_BUCKET
      ? {
          endpoint: e.S3_ENDPOINT,
          bucket: e.S3_BUCKET ?? 'segflow',
          region: e.S3_REGION ?? e.AWS_REGION ?? 'us-east-1',
          accessKeyId: e.S3_ACCESS_KEY_ID ?? e.AWS_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? e.AWS_SECRET_ACCESS_KEY,
          kmsKeyId: e.S3_KMS_KEY_ID,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
          versioned: e.S3_VERSIONED,
        }
      : undefined;
  const kind: ExecutorKind = e.SEGFLOW_RUNS_ON ?? (e.SEGFLOW_EXECUTOR === 'argo' || (e.SEGFLOW_EXECUTOR !== 'local' && e.ARGO_SERVER) ? 'argo' : 'local');
  if (e.SEGFLOW_RUNS_ON && e.SEGFLOW_EXECUTOR && e.SEGFLOW_EXECUTOR !== 'none' && e.SEGFLOW_EXECUTOR !== e.SEGFLOW_RUNS_ON)
    fail(env, [
      {
        path: ['SEGFLOW_RUNS_ON'],
        message: `${e.SEGFLOW_RUNS_ON} contradicts SEGFLOW_EXECUTOR=${e.SEGFLOW_EXECUTOR} (SEGFLOW_RUNS_ON is for processes that take no runs: SEGFLOW_EXECUTOR=none)`,
      },
    ]);
  return {
    dataDir,
    root: resolve(e.SEGFLOW_ROOT ?? process.cwd()),
    ports: { app: e.PORT, embeddedS3: e.SEGFLOW_S3_PORT },
    host: e.SEGFLOW_HOST,
    nextRuntime: e.NEXT_RUNTIME,
    dev: e.NODE_ENV === 'development',
    logLevel: e.SEGFLOW_LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      migrateUrl: e.SEGFLOW_MIGRATE_DATABASE_URL,
      appRole: e.SEGFLOW_DB_ROLE === 'none' ? null : e.SEGFLOW_DB_ROLE,
      poolMax: e.DATABASE_POOL_MAX,
      prepare: e.DATABASE_PREPARE,
    },
    s3,
    api: { url: e.SEGFLOW_URL, token: e.SEGFLOW_TOKEN },
    auth: {
      secret: e.NEXTAUTH_SECRET,
      url: e.NEXTAUTH_URL,
      oidc:
        e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
          ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, name: e.OIDC_NAME ?? 'Single sign-on' }
          : undefined,
    },
    uploads: { urlTtlS: e.SEGFLOW_UPLOAD_URL_TTL_S },
    dicomweb: { corsOrigins: e.SEGFLOW_DICOMWEB_ORIGINS },
    executor: {
      kind,
      takesRuns: e.SEGFLOW_EXECUTOR !== 'none',
      pollMs: e.SEGFLOW_EXECUTOR_POLL_MS,
      leaseS: e.SEGFLOW_EXECUTOR_LEASE_S,
      shutdownTimeoutS: e.SEGFLOW_EXECUTOR_SHUTDOWN_TIMEOUT_S,
      healthFile: resolve(e.SEGFLOW_EXECUTOR_HEALTH_FILE ?? join(dataDir, 'executor-health.json')),
      stepWorkers: { mode: e.SEGFLOW_STEP_WORKERS, maxSteps: e.SEGFLOW_STEP_WORKER_MAX_STEPS, maxRssMb: e.SEGFLOW_STEP_WORKER_MAX_RSS_MB },
    },
    argo: e.ARGO_SERVER
      ? {
          server: e.ARGO_SERVER,
          token: e.ARGO_TOKEN?.trim() || undefined,
          tokenFile: e.ARGO_TOKEN_FILE,
          caFile: e.ARGO_CA_FILE,
          namespace: e.ARGO_NAMESPACE ?? 'segflow',
        }
      : undefined,
    manifests: { signingKeyPem: e.SEGFLOW_MANIFEST_SIGNING_KEY },
    audit: { checkpointEvery: e.SEGFLOW_AUDIT_CHECKPOINT_EVERY, checkpointIntervalS: e.SEGFLOW_AUDIT_CHECKPOINT_INTERVAL_S },
    rollout: { gatePolicyJson: e.SEGFLOW_GATE_POLICY },
    webhooks: { allowPrivate: e.SEGFLOW_WEBHOOK_ALLOW_PRIVATE, timeoutMs: e.SEGFLOW_WEBHOOK_TIMEOUT_MS, maxAttempts: e.SEGFLOW_WEBHOOK_MAX_ATTEMPTS },
    demo: { seedExternal: e.SEGFLOW_DEMO, run: e.SEGFLOW_DEMO_RUN },
    steps: { deidSecret: e.SEGFLOW_DEID_SECRET },
  };
}

let cached: { key: string; config: Config } | null = null;

function envKey(env: NodeJS.ProcessEnv): string {
  return `${ENV_NAMES.map((n) => env[n] ?? '\u0000').join('\u0001')}\u0001${process.cwd()}`;
}

/** This process's configuration (see the caching note above). */
export function config(): Config {
  const key = envKey(process.env);
  if (cached?.key !== key) cached = { key, config: parseConfig(process.env) };
  return cached.config;
}

/** Forget the parsed configuration: the next config() parses again. */
export function resetConfig(): void {
  cached = null;
}
