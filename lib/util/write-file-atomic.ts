import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, unlinkSync, writevSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';

/** Writes to a temporary sibling and renames it into place: readers never see a half-written file. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * The same, synchronously, from the file's pieces in order (one writev, no joined copy): for a
 * command that writes many files one after another, where each asynchronous call is a trip through
 * libuv's thread pool and the process has nothing else to do meanwhile. No fsync: a crash may lose
 * the file, never leaves half of one under its name.
 */
export function writeFileAtomicSync(path: string, parts: readonly Uint8Array[]): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      let pending = parts.filter((p) => p.length > 0);
      while (pending.length > 0) {
        let written = writevSync(fd, pending);
        // a short write: drop what went out and go on from there
        let i = 0;
        while (i < pending.length && written >= pending[i].length) written -= pending[i++].length;
        pending = pending.slice(i);
        if (written > 0) pending[0] = pending[0].subarray(written);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw err;
  }
}
