import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { StatementBatchQueue } from './statement-batch-queue';

/**
 * The embedded default database: PGlite with its data on disk, served over the PostgreSQL wire
 * protocol so that the app, the CLI and step processes share it through postgres.js.
 *
 * It has no passwords (PGlite checks none). `segflow start` therefore serves it only on a Unix
 * socket in a 0700 directory inside the data dir: only processes of the user who owns `.data` can
 * connect, and nothing listens on TCP. Tests still use a 127.0.0.1 port (`port`).
 */
export interface EmbeddedDatabase {
  url: string;
  close(): Promise<void>;
}

// libpq's socket file name; postgres.js and psql look for `<dir>/.s.PGSQL.<port>`
const SOCKET_PORT = 5432;
// sockaddr_un.sun_path is 108 bytes on Linux (104 on macOS)
const MAX_SOCKET_PATH = 100;

/**
 * How long one connection may hold the database idle while others wait (an open BEGIN in psql):
 * generous, because some transactions wait on the store between statements (an upload read back to
 * check its SHA-256), and ending one of those fails that request.
 */
export const DEFAULT_HOLD_LIMIT_MS = 30_000;

export async function startEmbeddedDatabase(
  opts: { dir: string; holdLimitMs?: number } & ({ port: number; socketDir?: never } | { socketDir: string; port?: never }),
): Promise<EmbeddedDatabase> {
  mkdirSync(opts.dir, { recursive: true });
  let listen: { host: string; port: number } | { path: string };
  let url: string;
  if (opts.socketDir) {
    const path = join(opts.socketDir, `.s.PGSQL.${SOCKET_PORT}`);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      throw new Error(
        `embedded database socket path too long for a Unix socket (${Buffer.byteLength(path)} > ${MAX_SOCKET_PATH} bytes): ${path}; use a shorter SEGFLOW_DATA_DIR`,
      );
    }
    mkdirSync(opts.socketDir, { recursive: true, mode: 0o700 });
    chmodSync(opts.socketDir, 0o700); // mkdir's mode is masked by the umask, and an existing dir keeps its own
    if (existsSync(path)) rmSync(path); // left by a process that was killed: nothing can be listening on it
    listen = { path };
    url = `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(opts.socketDir)}`;
  } else {
    listen = { host: '127.0.0.1', port: opts.port! };
    url = `postgres://postgres@127.0.0.1:${opts.port}/postgres`;
  }
  const db = await PGlite.create(opts.dir);
  const server = new PGLiteSocketServer({ db, ...listen, maxConnections: 32 });
  // Handlers take the server's queue when a connection arrives, so replacing it before start is enough.
  // pglite-socket keeps its connection handlers in `handlers`, each with its `socket`: ending the socket
  // (after what was written to it) closes the connection, and the handler cleans up on 'close'.
  const internals = server as unknown as { queryQueue: StatementBatchQueue; handlers: Set<{ handlerId: number; socket: Socket | null }> };
  internals.queryQueue = new StatementBatchQueue(db, {
    holdLimitMs: opts.holdLimitMs ?? DEFAULT_HOLD_LIMIT_MS,
    terminate: (id) => {
      for (const h of internals.handlers) if (h.handlerId === id) h.socket?.end();
    },
  });
  await server.start();
  return {
    url,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
