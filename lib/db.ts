import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import * as schema from '@/db/schema';
import { AppError } from './errors';
import { config, databaseUrl } from './config';
import { postgresClient } from './postgres-client';
import { preparing } from './prepared-statements';

/**
 * One database client for every process: the app, the CLI and pipeline steps all speak the
 * PostgreSQL protocol through postgres.js, to a PostgreSQL server or to the embedded PGlite that
 * `segflow start` serves over the wire (lib/embedded/pglite-server.ts).
 */
export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

let cached: { url: string; sql: postgres.Sql; db: Db } | null = null;

export function getDb(): Db {
  const url = databaseUrl();
  if (!url) throw new AppError('unavailable', 'no database: set DATABASE_URL or run `npm start` (embedded PGlite)');
  if (cached?.url === url) return cached.db;
  // 2 per core + 1 (at least 5; DATABASE_POOL_MAX): the embedded PGlite serves one statement at a
  // time anyway, and a PostgreSQL server is shared with the other processes (CLI, steps).
  // every connection acts as the app's role (SEGFLOW_DB_ROLE), which owns no table: set at start-up,
  // so no statement runs before it. The embedded PGlite has one session for all and ignores it.
  // Queries run as prepared statements unless DATABASE_PREPARE=false (a pooler in transaction mode
  // that keeps none between transactions): then neither drizzle's nor postgres.js's own are.
  const { appRole: role, poolMax, prepare } = config().database;
  const sql = postgresClient(url, { max: poolMax, prepare, onnotice: () => {}, ...(role ? { connection: { role } } : {}) });
  cached = { url, sql, db: drizzle(prepare ? preparing(sql) : sql, { schema }) };
  return cached.db;
}

export async function closeDb(): Promise<void> {
  if (cached) {
    await cached.sql.end({ timeout: 5 });
    cached = null;
  }
}
