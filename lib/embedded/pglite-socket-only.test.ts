import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/free-port';
import { postgresClient } from '../postgres-client';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './pglite-server';

describe('embedded PGlite on a Unix socket only', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  const socketDir = () => join(dir, 'pg-socket');
  beforeAll(async () => {
    // short: a Unix socket path must fit in ~100 bytes
    dir = mkdtempSync(join(tmpdir(), 'sf-'));
    db = await startEmbeddedDatabase({ dir: join(dir, 'pg'), socketDir: socketDir() });
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lives in an owner-only (0700) directory, and its URL works through postgresClient()', async () => {
    expect(statSync(socketDir()).mode & 0o777).toBe(0o700);
    expect(statSync(join(socketDir(), '.s.PGSQL.5432')).isSocket()).toBe(true);
    expect(db.url).toBe(`postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(socketDir())}`);
    const sql = postgresClient(db.url, { max: 2, onnotice: () => {} });
    expect((await sql`select 1 + 1 as two`)[0].two).toBe(2);
    await sql.end();
  });

  // Linux: this process's listening TCP sockets, from /proc (the socket inodes its fds point at)
  const ownTcpListeners = (): number => {
    const inodes = new Set<string>();
    for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!existsSync(f)) continue;
      for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols[3] === '0A') inodes.add(cols[9]);
      }
    }
    let n = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
        if (m && inodes.has(m[1])) n++;
      } catch {
        // closed meanwhile
      }
    }
    return n;
  };

  it.runIf(existsSync('/proc/self/fd'))('opens no TCP port at all: no other local process can connect password-less', async () => {
    const before = ownTcpListeners();
    const other = await startEmbeddedDatabase({ dir: join(dir, 'pg2'), socketDir: join(dir, 's2') });
    try {
      expect(ownTcpListeners()).toBe(before);
      // the check itself sees a TCP listener when there is one
      const tcp = await startEmbeddedDatabase({ dir: join(dir, 'pg3'), port: await freePort() });
      expect(ownTcpListeners()).toBe(before + 1);
      await tcp.close();
    } finally {
      await other.close();
    }
  });
});
