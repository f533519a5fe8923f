import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedDatabase } from '../lib/embedded/pglite-server';
import { migrateDatabase } from '../lib/platform/migrate';
import { freePort } from './free-port';

/**
 * A fresh, migrated database of the same kind as the suite's (a new database on the PostgreSQL
 * server, or a new embedded PGlite), for tests that must break things (tampering with the audit log).
 */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set (test/global-setup.ts sets it)');
  if (process.env.SEGFLOW_TEST_EMBEDDED_DB === '1') {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-scratch-'));
    const db = await startEmbeddedDatabase({ dir, port: await freePort() });
    await migrateDatabase(db.url);
    return {
      url: db.url,
      drop: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `segflow_scratch_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
