import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResumeRecord, ResumeStore } from '../client/resume-store';

/** The CLI's resume records, one JSON file per key under <data dir>/uploads/: a rerun picks up. */
export function fileResumeStore(dir: string): ResumeStore {
  const path = (k: string) => join(dir, `${k.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  return {
    load: (k) => (existsSync(path(k)) ? (JSON.parse(readFileSync(path(k), 'utf8')) as ResumeRecord) : null),
    save: (k, r) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path(k), JSON.stringify(r), { mode: 0o600 });
    },
    remove: (k) => rmSync(path(k), { force: true }),
  };
}
