import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, renameSync, unlinkSync, writevSync } from 'node:fs';
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
export function writeFileAtomicSync(path: string, parts: readonly Uint8Array[], opts: { mode?: number } = {}): void {
  const tmp = writeTempSync(path, parts, opts.mode);
  try {
    renameSync(tmp, path);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
}

/**
 * Like writeFileAtomicSync, but never replaces a file already at `path`: the temporary file is
 * hard-linked to the name (link fails when the name exists, atomically, where rename would replace
 * it). Returns 'exists' (and writes nothing) when something is already there.
 */
export function writeFileNewSync(path: string, parts: readonly Uint8Array[]): 'written' | 'exists' {
  const tmp = writeTempSync(path, parts);
  try {
    linkSync(tmp, path);
    return 'written';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw err;
  } finally {
    removeQuietly(tmp);
  }
}

/**
 * Temporary names of this process's synchronous writes: a random tag drawn once and a counter, so a
 * batch of thousands of files does not draw random bytes for each (the file is opened exclusively,
 * so a clash with another process could only fail, never overwrite).
 */
let tempTag: string | undefined;
let tempCount = 0;

function tempNameFor(path: string): string {
  tempTag ??= `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
  return `${path}.${tempTag}-${(tempCount++).toString(36)}.tmp`;
}

function writeTempSync(path: string, parts: readonly Uint8Array[], mode = 0o666): string {
  const tmp = tempNameFor(path);
  try {
    const fd = openSync(tmp, 'wx', mode);
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
    return tmp;
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // never created, or already gone
  }
}
