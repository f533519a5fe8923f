import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const GUARD_STALE_MS = 10_000;
const GUARD_WAIT_MS = 30_000;

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
}

/**
 * Which resume record one `segflow upload` uses, held under a lock so that two invocations never
 * share one. The key names the target (server, project, study or "new") and the file set (every
 * file's fingerprint), so running the same command again finds its record. An invocation that finds
 * the record locked by a live process takes the next slot (key.2, key.3, …) and uploads on its own;
 * a lock whose process is gone (a crash, Ctrl-C) is taken over and its record resumed. A lock held
 * by a reused process id is taken for live: that upload then starts afresh instead of resuming.
 * Slots are chosen under a short-lived guard file (created exclusively), so two starts never pick
 * the same one.
 */
export function claimResumeKey(dir: string, p: { target: string; fingerprints: string[] }): { key: string; release(): void } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = `cli.${createHash('sha256')
    .update(JSON.stringify([p.target, [...p.fingerprints].sort()]))
    .digest('hex')
    .slice(0, 32)}`;
  const me: LockOwner = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex') };
  const lockPath = (key: string) => join(dir, `${key}.lock`);
  const key = withGuard(join(dir, '.claim.lock'), () => {
    for (let n = 1; ; n++) {
      const k = n === 1 ? base : `${base}.${n}`;
      const owner = readOwner(lockPath(k));
      if (owner && isAlive(owner)) continue;
      writeFileSync(lockPath(k), JSON.stringify(me), { mode: 0o600 });
      return k;
    }
  });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readOwner(lockPath(key))?.nonce === me.nonce) rmSync(lockPath(key), { force: true });
  };
  process.on('exit', release);
  return { key, release };
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    // no lock, or one left half-written by a crash: free
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  // another machine's process (a shared data dir) cannot be checked here: taken for live
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` while holding `guard` (created exclusively; one left by a crashed process expires). */
function withGuard<T>(guard: string, fn: () => T): T {
  const deadline = Date.now() + GUARD_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(guard, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStale(guard)) rmSync(guard, { force: true });
      else if (Date.now() > deadline) throw new Error(`another segflow upload holds ${guard}; remove it if no upload is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(guard, { force: true });
  }
}

function isStale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > GUARD_STALE_MS;
  } catch {
    return false;
  }
}
