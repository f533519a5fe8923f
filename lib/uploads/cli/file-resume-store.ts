import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@/lib/util/write-file-atomic';
import type { ResumeRecord, ResumeStore } from '../client/resume-store';

/**
 * The CLI's resume records, one JSON file per key under <data dir>/uploads/: a rerun picks up.
 * Each save replaces the file atomically (temp + rename, owner-only), so a reader never sees half
 * a record; which process may use a key is decided by its lock (resume-slot.ts).
 */
export function fileResumeStore(dir: string): ResumeStore {
  const path = (k: string) => join(dir, `${k.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  return {
    load: (k) => (existsSync(path(k)) ? (JSON.parse(readFileSync(path(k), 'utf8')) as ResumeRecord) : null),
    save: (k, r) => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileAtomicSync(path(k), [Buffer.from(JSON.stringify(r))], { mode: 0o600 });
    },
    remove: (k) => rmSync(path(k), { force: true }),
  };
}
