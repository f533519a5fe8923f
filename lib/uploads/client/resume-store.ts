/**
 * What a client keeps so an upload survives a reload or a dropped connection: the upload, and per
 * file (by fingerprint) its id, its SHA-256 and the parts the store acknowledged (with their ETags).
 */
export interface ResumeRecord {
  uploadId: string;
  studyId: string;
  project: string;
  files: Record<
    string,
    {
      fileId: string;
      sha256: string;
      /** base64 CRC32 of every part, from the hashing pass: a resumed part is signed without re-reading the file first */
      partCrc32?: string[];
      parts: Record<number, { etag: string; checksumCrc32?: string }>;
    }
  >;
}

export interface ResumeStore {
  load(key: string): ResumeRecord | null;
  save(key: string, rec: ResumeRecord): void;
  remove(key: string): void;
}

export function memoryResumeStore(): ResumeStore {
  const m = new Map<string, string>();
  return {
    load: (k) => (m.has(k) ? (JSON.parse(m.get(k)!) as ResumeRecord) : null),
    save: (k, r) => void m.set(k, JSON.stringify(r)),
    remove: (k) => void m.delete(k),
  };
}

/** The browser's store: localStorage survives reloads and crashes of the tab. */
export function localStorageResumeStore(storage: Storage): ResumeStore {
  return {
    load: (k) => {
      try {
        const v = storage.getItem(k);
        return v ? (JSON.parse(v) as ResumeRecord) : null;
      } catch {
        return null;
      }
    },
    save: (k, r) => storage.setItem(k, JSON.stringify(r)),
    remove: (k) => storage.removeItem(k),
  };
}
