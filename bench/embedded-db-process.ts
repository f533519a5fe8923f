/**
 * The embedded database (PGlite over the wire) in a process of its own, as `segflow start` runs it
 * apart from the app: `node --import tsx bench/embedded-db-process.ts '{"dir":…,"port":…}'` prints
 * `{ "url": … }` once it listens, and closes on SIGTERM. For the api-reads bench.
 */
import { startEmbeddedDatabase } from '../lib/embedded/pglite-server';

const { dir, port } = JSON.parse(process.argv[2] ?? '{}') as { dir: string; port: number };
const db = await startEmbeddedDatabase({ dir, port });
process.stdout.write(`${JSON.stringify({ url: db.url })}\n`);
process.on('SIGTERM', () => {
  void db.close().then(() => process.exit(0));
});
