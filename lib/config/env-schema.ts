import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * Every environment variable segflow reads — the app, the CLI, the executors and the pipeline steps —
 * declared once, with its default. lib/config/config.ts parses the environment with it and shapes the
 * result; nothing else in segflow reads process.env (test and build tooling aside: playwright.config.ts,
 * scripts/, bench/, test/).
 *
 * An empty value counts as unset (a `FOO=` line in a .env file or a Kubernetes manifest means "not given").
 */
const text = () => z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().int().min(min).max(max).default(def));
/**
 * Connections per process: 2 per core + 1 (PostgreSQL's rule of thumb for a pool), at least 5. Reads
 * no longer queue on the audit chain lock, so the pool is what bounds concurrent requests.
 */
export const DEFAULT_POOL_MAX = Math.max(5, 2 * availableParallelism() + 1);
const bool = (def: boolean) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v),
    z
      .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1')
      .default(def),
  );

export const ZEnv = z.object({
  // where things are
  SEGFLOW_DATA_DIR: text(),
  SEGFLOW_ROOT: text(),
  PORT: int(3000, 1, 65535),
  /** the address `segflow start` serves the app on: 127.0.0.1 (this machine only) unless told otherwise, e.g. 0.0.0.0 */
  SEGFLOW_HOST: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[0-9A-Za-z.:-]+$/, 'expected a host name or IP address')
      .default('127.0.0.1'),
  ),
  SEGFLOW_S3_PORT: int(4569, 1, 65535),
  NEXT_RUNTIME: text(),
  /** set by Next.js: `development` under `next dev` (the CSP then allows React's dev-time eval) */
  NODE_ENV: text(),
  /** pino level of the services' structured logs (lib/log): fatal, error, warn, info, debug, trace, silent */
  SEGFLOW_LOG_LEVEL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected fatal, error, warn, info, debug, trace or silent' })
      .default('info'),
  ),
  // database
  DATABASE_URL: text(),
  /** the schema owner's connection for migrations, where it is not DATABASE_URL's (default: DATABASE_URL) */
  SEGFLOW_MIGRATE_DATABASE_URL: text(),
  /** the role the app's connections act as (created and granted DML by the migrations); `none`: the login role as it is */
  SEGFLOW_DB_ROLE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a lower-case PostgreSQL role name (letters, digits, _) or none' })
      .default('segflow_app'),
  ),
  DATABASE_POOL_MAX: int(DEFAULT_POOL_MAX, 1, 1000),
  /** queries as prepared statements (named, per connection); false behind a pooler in transaction mode that keeps none */
  DATABASE_PREPARE: bool(true),
  // object store (ADR-02: the one bucket)
  S3_ENDPOINT: text(),
  S3_BUCKET: text(),
  S3_REGION: text(),
  AWS_REGION: text(),
  S3_ACCESS_KEY_ID: text(),
  AWS_ACCESS_KEY_ID: text(),
  S3_SECRET_ACCESS_KEY: text(),
  AWS_SECRET_ACCESS_KEY: text(),
  S3_KMS_KEY_ID: text(),
  S3_FORCE_PATH_STYLE: bool(true),
  S3_VERSIONED: bool(true),
  // the app and its users
  SEGFLOW_URL: text(),
  SEGFLOW_TOKEN: text(),
  NEXTAUTH_SECRET: text(),
  NEXTAUTH_URL: text(),
  OIDC_ISSUER: text(),
  OIDC_CLIENT_ID: text(),
  OIDC_CLIENT_SECRET: text(),
  OIDC_NAME: text(),
  SEGFLOW_UPLOAD_URL_TTL_S: int(300, 1),
  /** web origins (comma-separated, e.g. `https://ohif.example.org`) whose pages may call /dicomweb with a bearer token (CORS) */
  SEGFLOW_DICOMWEB_ORIGINS: z.preprocess(
    (v) =>
      v === '' || v === undefined
        ? []
        : String(v)
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    z.array(
      z.string().refine((o) => {
        try {
          const u = new URL(o);
          return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
        } catch {
          return false;
        }
      }, 'each entry must be an origin: scheme, host and optional port, no path or trailing slash (e.g. https://ohif.example.org)'),
    ),
  ),
  // executors
  SEGFLOW_EXECUTOR: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['local', 'argo', 'none'], { error: 'expected local, argo or none' }).optional()),
  /** which executor runs submitted by this process are for, when it takes none itself (SEGFLOW_EXECUTOR=none): an app replica in front of the Argo executor says argo */
  SEGFLOW_RUNS_ON: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['local', 'argo'], { error: 'expected local or argo' }).optional()),
  SEGFLOW_EXECUTOR_POLL_MS: int(2000, 50, 600_000),
  SEGFLOW_EXECUTOR_LEASE_S: int(60, 2, 3600),
  SEGFLOW_EXECUTOR_SHUTDOWN_TIMEOUT_S: int(20, 0, 3600),
  SEGFLOW_EXECUTOR_HEALTH_FILE: text(),
  /** local executor: steps run in long-lived worker processes (warm) or one new process each (process) */
  SEGFLOW_STEP_WORKERS: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['warm', 'process'], { error: 'expected warm or process' }).default('warm')),
  /** a warm step worker is replaced after this many steps */
  SEGFLOW_STEP_WORKER_MAX_STEPS: int(50, 1, 1_000_000),
  /** …or once its resident memory passed this many MiB after a step */
  SEGFLOW_STEP_WORKER_MAX_RSS_MB: int(4096, 64, 1_048_576),
  ARGO_SERVER: text(),
  ARGO_TOKEN: text(),
  /** a projected service-account token, re-read when it rotates (instead of ARGO_TOKEN) */
  ARGO_TOKEN_FILE: text(),
  /** PEM bundle of the CA that signed the Argo Server's certificate */
  ARGO_CA_FILE: text(),
  ARGO_NAMESPACE: text(),
  // provenance, rollout, demo
  SEGFLOW_MANIFEST_SIGNING_KEY: text(),
  /** audit checkpoints (signed, write-once in the bucket): after this many new events, or this many seconds */
  SEGFLOW_AUDIT_CHECKPOINT_EVERY: int(100, 1, 1_000_000),
  SEGFLOW_AUDIT_CHECKPOINT_INTERVAL_S: int(60, 1, 86_400),
  SEGFLOW_GATE_POLICY: text(),
  /** project webhooks may target private, loopback and link-local addresses (off: SSRF protection; on for a receiver inside the cluster) */
  SEGFLOW_WEBHOOK_ALLOW_PRIVATE: bool(false),
  /** one webhook delivery attempt's time limit, and how many attempts before a delivery is given up */
  SEGFLOW_WEBHOOK_TIMEOUT_MS: int(10_000, 100, 120_000),
  SEGFLOW_WEBHOOK_MAX_ATTEMPTS: int(8, 1, 50),
  SEGFLOW_DEMO: bool(false),
  SEGFLOW_DEMO_RUN: bool(true),
  // a pipeline step's secret: the project's de-identification secret (a Kubernetes Secret under Argo)
  SEGFLOW_DEID_SECRET: text(),
});
export type TEnv = z.infer<typeof ZEnv>;

/** the names of every variable above: what the cache compares to see whether the environment changed */
export const ENV_NAMES = Object.keys(ZEnv.shape) as (keyof TEnv)[];
