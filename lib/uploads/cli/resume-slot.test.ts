import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimResumeKey } from './resume-slot';

const files = { target: 'http://x p new', fingerprints: ['a|1|2', 'b|3|4'] };

describe('claimResumeKey', () => {
  it('gives one key per file set and target, the next slot while it is held, and takes over a dead holder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-slot-'));
    const a = claimResumeKey(dir, files);
    // the same files in another order are the same set; another target is another key
    const b = claimResumeKey(dir, { ...files, fingerprints: [...files.fingerprints].reverse() });
    expect(b.key).toBe(`${a.key}.2`);
    expect(claimResumeKey(dir, { ...files, target: 'http://x p s1' }).key).not.toMatch(a.key);
    b.release();
    a.release();
    expect(readdirSync(dir).filter((f) => f.startsWith(a.key))).toEqual([]);

    // a crashed upload's lock (its process is gone) is taken over: the rerun resumes its record
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, `${a.key}.lock`), JSON.stringify({ pid: gone, host: hostname(), nonce: 'old' }));
    const again = claimResumeKey(dir, files);
    expect(again.key).toBe(a.key);
    expect(JSON.parse(readFileSync(join(dir, `${a.key}.lock`), 'utf8')).pid).toBe(process.pid);
    again.release();
    expect(existsSync(join(dir, `${a.key}.lock`))).toBe(false);
  });
});
