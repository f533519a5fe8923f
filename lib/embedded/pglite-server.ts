import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { StatementBatchQueue } from './statement-batch-queue';

/**
 * The embedded default database: PGlite with its data on disk, served over the PostgreSQL wire
 * protocol on 127.0.0.1 so that the app, the CLI and step processes share it through postgres.js.
 */
export interface EmbeddedDatabase {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedDatabase(opts: { dir: string; port: number }): Promise<EmbeddedDatabase> {
  mkdirSync(opts.dir, { recursive: true });
  const db = await PGlite.create(opts.dir);
  const server = new PGLiteSocketServer({ db, port: opts.port, host: '127.0.0.1', maxConnections: 32 });
  // Handlers take the server's queue when a connection arrives, so replacing it before start is enough.
  (server as unknown as { queryQueue: StatementBatchQueue }).queryQueue = new StatementBatchQueue(db);
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${opts.port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
