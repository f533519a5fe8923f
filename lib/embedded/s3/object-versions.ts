import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { S3StoreError } from './s3-error';

/**
 * Object versions for the embedded store (s3rver 3.7.1 keeps one copy per key). Beside s3rver's own
 * files, each bucket has:
 * - `._S3rver_versioning`: the bucket's versioning status (`Enabled` or `Suspended`; absent: never set);
 * - `._S3rver_versions/<sha256 of key>/`: `index.json` (the key and its versions, newest first) and,
 *   per stored version, `<versionId>` (the bytes) and `<versionId>.json` (metadata, ETag).
 * The current object stays where s3rver reads and lists it, so GET/HEAD/List without a version id
 * are s3rver's. After every write to a versioned key the new current object is copied in as a version;
 * a DELETE without a version id removes the current object and records a delete marker; deleting a
 * version makes the next newer-than-the-rest version current again. An object written before versioning
 * was enabled becomes the `null` version the first time its key is written or deleted, as on S3.
 * Writes to one key are serialised (one process serves the store), so a version holds the bytes of
 * the write that made it.
 */

export type VersioningStatus = 'Enabled' | 'Suspended';

export interface VersionEntry {
  versionId: string;
  deleteMarker: boolean;
  lastModified: string;
  size: number;
  etag: string;
}
interface KeyIndex {
  key: string;
  versions: VersionEntry[];
}
export interface StoredVersion {
  entry: VersionEntry;
  path: string;
  metadata: Record<string, string>;
}

/** The parts of s3rver's FilesystemStore this uses. */
export interface VersionedStoreLike {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  deleteObject(bucket: string, key: string): Promise<void>;
  listObjects(bucket: string, options: { prefix?: string; maxKeys?: number }): Promise<{ objects: { key: string }[] }>;
}

/** 24 random bytes as base64url: 32 characters, like S3's ids; anything else never reaches a path. */
const VERSION_ID = /^[A-Za-z0-9_-]{32}$/;
export const NULL_VERSION = 'null';

export function checkVersionId(versionId: string): void {
  if (versionId !== NULL_VERSION && !VERSION_ID.test(versionId))
    throw new S3StoreError(400, 'InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
}

export function noSuchVersion(key: string, versionId: string): S3StoreError {
  return new S3StoreError(404, 'NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId });
}

function enoent(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export class ObjectVersions {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly store: VersionedStoreLike) {}

  private statusPath(bucket: string): string {
    return this.store.getResourcePath(bucket, undefined, 'versioning');
  }
  private root(bucket: string): string {
    return this.store.getResourcePath(bucket, undefined, 'versions');
  }
  private keyDir(bucket: string, key: string): string {
    return join(this.root(bucket), createHash('sha256').update(key).digest('hex'));
  }

  async status(bucket: string): Promise<VersioningStatus | null> {
    try {
      const s = (await readFile(this.statusPath(bucket), 'utf8')).trim();
      return s === 'Enabled' || s === 'Suspended' ? s : null;
    } catch (err) {
      if (enoent(err)) return null;
      throw err;
    }
  }

  async setStatus(bucket: string, status: VersioningStatus): Promise<void> {
    await writeAtomic(this.statusPath(bucket), status);
  }

  /** Runs `fn` with no other write to this key in between. */
  async withKey<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> {
    const id = `${bucket}\0${key}`;
    const before = this.locks.get(id) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    this.locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    }
  }

  private async readIndex(bucket: string, key: string): Promise<KeyIndex> {
    try {
      return JSON.parse(await readFile(join(this.keyDir(bucket, key), 'index.json'), 'utf8')) as KeyIndex;
    } catch (err) {
      if (enoent(err)) return { key, versions: [] };
      throw err;
    }
  }

  private async writeIndex(bucket: string, index: KeyIndex): Promise<void> {
    const dir = this.keyDir(bucket, index.key);
    await mkdir(dir, { recursive: true });
    await writeAtomic(join(dir, 'index.json'), JSON.stringify(index));
  }

  /** The newest version of a key (a delete marker included), or null when it has none. */
  async latest(bucket: string, key: string): Promise<VersionEntry | null> {
    return (await this.readIndex(bucket, key)).versions[0] ?? null;
  }

  /** One stored version's bytes and metadata; a delete marker has no path. */
  async get(bucket: string, key: string, versionId: string): Promise<StoredVersion | null> {
    checkVersionId(versionId);
    const index = await this.readIndex(bucket, key);
    const entry = index.versions.find((v) => v.versionId === versionId);
    if (!entry) return null;
    const path = join(this.keyDir(bucket, key), versionId);
    if (entry.deleteMarker) return { entry, path, metadata: {} };
    const meta = JSON.parse(await readFile(`${path}.json`, 'utf8')) as { metadata: Record<string, string> };
    return { entry, path, metadata: meta.metadata };
  }

  private newId(status: VersioningStatus): string {
    return status === 'Enabled' ? randomBytes(24).toString('base64url') : NULL_VERSION;
  }

  /** Copies the current object in as a version (the caller holds the key). */
  private async snapshot(bucket: string, key: string, versionId: string, index: KeyIndex): Promise<VersionEntry> {
    const objectPath = this.store.getResourcePath(bucket, key, 'object');
    const dir = this.keyDir(bucket, key);
    await mkdir(dir, { recursive: true });
    const [st, md5, metadata] = await Promise.all([
      stat(objectPath),
      readFile(`${objectPath}.md5`, 'utf8').catch((err) => (enoent(err) ? '' : Promise.reject(err))),
      readFile(this.store.getResourcePath(bucket, key, 'metadata.json'), 'utf8')
        .then((s) => JSON.parse(s) as Record<string, string>)
        .catch((err) => (enoent(err) ? {} : Promise.reject(err))),
    ]);
    const path = join(dir, versionId);
    const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    await copyFile(objectPath, tmp);
    await rename(tmp, path);
    const etag = md5.trim();
    await writeAtomic(`${path}.json`, JSON.stringify({ metadata, etag }));
    const entry: VersionEntry = { versionId, deleteMarker: false, lastModified: st.mtime.toISOString(), size: st.size, etag };
    index.versions = [entry, ...index.versions.filter((v) => v.versionId !== versionId)];
    return entry;
  }

  private async currentExists(bucket: string, key: string): Promise<boolean> {
    try {
      await stat(this.store.getResourcePath(bucket, key, 'object'));
      return true;
    } catch (err) {
      if (enoent(err)) return false;
      throw err;
    }
  }

  /** s3rver's deleteObject fails when the key's folder does not exist: only a current object is removed */
  private async removeCurrent(bucket: string, key: string): Promise<void> {
    if (await this.currentExists(bucket, key)) await this.store.deleteObject(bucket, key);
  }

  /** An object stored before versioning was set, never yet versioned, becomes the `null` version. */
  private async adopt(bucket: string, key: string, index: KeyIndex): Promise<void> {
    if (index.versions.length === 0 && (await this.currentExists(bucket, key))) await this.snapshot(bucket, key, NULL_VERSION, index);
  }

  /**
   * A write to the current object (PUT, copy, completed multipart upload) on a versioned bucket:
   * `write` stores it and says whether it did; the stored object becomes the newest version.
   * Returns the new version id (`null` where versioning is suspended), or undefined when nothing was stored.
   */
  async write(bucket: string, key: string, status: VersioningStatus, write: () => Promise<boolean>): Promise<string | undefined> {
    return this.withKey(bucket, key, async () => {
      const index = await this.readIndex(bucket, key);
      await this.adopt(bucket, key, index);
      if (!(await write())) {
        if (index.versions.length) await this.writeIndex(bucket, index);
        return undefined;
      }
      const entry = await this.snapshot(bucket, key, this.newId(status), index);
      await this.writeIndex(bucket, index);
      return entry.versionId;
    });
  }

  /** DELETE without a version id: the current object goes, a delete marker becomes the newest version. */
  async deleteCurrent(bucket: string, key: string, status: VersioningStatus): Promise<VersionEntry> {
    return this.withKey(bucket, key, async () => {
      const index = await this.readIndex(bucket, key);
      await this.adopt(bucket, key, index);
      await this.removeCurrent(bucket, key);
      const marker: VersionEntry = { versionId: this.newId(status), deleteMarker: true, lastModified: new Date().toISOString(), size: 0, etag: '' };
      for (const v of index.versions.filter((x) => x.versionId === marker.versionId && !x.deleteMarker)) await this.removeFiles(bucket, key, v.versionId);
      index.versions = [marker, ...index.versions.filter((v) => v.versionId !== marker.versionId)];
      await this.writeIndex(bucket, index);
      return marker;
    });
  }

  private async removeFiles(bucket: string, key: string, versionId: string): Promise<void> {
    const path = join(this.keyDir(bucket, key), versionId);
    await Promise.all([rm(path, { force: true }), rm(`${path}.json`, { force: true })]);
  }

  /**
   * DELETE of one version, for good. When it was the newest, the next one becomes current again (or
   * nothing is current when that is a delete marker or there is none). Returns the removed entry, or
   * null when the key has no such version.
   */
  async deleteVersion(bucket: string, key: string, versionId: string): Promise<VersionEntry | null> {
    checkVersionId(versionId);
    return this.withKey(bucket, key, async () => {
      const index = await this.readIndex(bucket, key);
      await this.adopt(bucket, key, index);
      const at = index.versions.findIndex((v) => v.versionId === versionId);
      if (at < 0) return null;
      const [removed] = index.versions.splice(at, 1);
      if (at === 0) await this.makeCurrent(bucket, key, index.versions[0]);
      await this.removeFiles(bucket, key, versionId);
      if (index.versions.length) await this.writeIndex(bucket, index);
      else await rm(this.keyDir(bucket, key), { recursive: true, force: true });
      return removed;
    });
  }

  private async makeCurrent(bucket: string, key: string, entry: VersionEntry | undefined): Promise<void> {
    if (!entry || entry.deleteMarker) return this.removeCurrent(bucket, key);
    const path = join(this.keyDir(bucket, key), entry.versionId);
    const objectPath = this.store.getResourcePath(bucket, key, 'object');
    const meta = JSON.parse(await readFile(`${path}.json`, 'utf8')) as { metadata: Record<string, string>; etag: string };
    await mkdir(dirname(objectPath), { recursive: true });
    const tmp = `${objectPath}.tmp-${randomBytes(6).toString('hex')}`;
    await copyFile(path, tmp);
    await rename(tmp, objectPath);
    await this.store.putMetadata(bucket, key, meta.metadata, meta.etag);
  }

  /**
   * Every version of every key under `prefix`, keys in order and each key's versions newest first;
   * a current object that was never versioned is its `null` version.
   */
  async list(bucket: string, prefix: string): Promise<{ key: string; versions: VersionEntry[] }[]> {
    const byKey = new Map<string, VersionEntry[]>();
    let dirs: string[] = [];
    try {
      dirs = await readdir(this.root(bucket));
    } catch (err) {
      if (!enoent(err)) throw err;
    }
    for (const d of dirs) {
      if (!/^[0-9a-f]{64}$/.test(d)) continue;
      try {
        const index = JSON.parse(await readFile(join(this.root(bucket), d, 'index.json'), 'utf8')) as KeyIndex;
        if (index.key.startsWith(prefix) && index.versions.length) byKey.set(index.key, index.versions);
      } catch (err) {
        if (!enoent(err)) throw err;
      }
    }
    const { objects } = await this.store.listObjects(bucket, { prefix });
    for (const o of objects) {
      if (byKey.has(o.key)) continue;
      const objectPath = this.store.getResourcePath(bucket, o.key, 'object');
      const [st, md5] = await Promise.all([stat(objectPath), readFile(`${objectPath}.md5`, 'utf8').catch(() => '')]);
      byKey.set(o.key, [{ versionId: NULL_VERSION, deleteMarker: false, lastModified: st.mtime.toISOString(), size: st.size, etag: md5.trim() }]);
    }
    return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, versions]) => ({ key, versions }));
  }
}
