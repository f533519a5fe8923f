import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pydicom = join(root, 'fixtures/dicom/single/pydicom');

function runCli(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/segflow.mjs'), 'deidentify', ...args], { encoding: 'utf8', timeout: 60_000 });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return {
    status: r.status,
    summary: JSON.parse(last) as Record<
      'written' | 'duplicates' | 'quarantined' | 'failed',
      { input: string; output?: string; reason?: string; sameAs?: string }[]
    >,
  };
}

describe('segflow deidentify', () => {
  it('writes, quarantines and fails per file, with a JSON summary last and exit 1 on failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-cli-'));
    const inDir = join(dir, 'in');
    mkdirSync(join(inDir, 'nested'), { recursive: true });
    copyFileSync(join(pydicom, 'CT_small.dcm'), join(inDir, 'CT_small.dcm'));
    copyFileSync(join(pydicom, 'MR_small_RLE.dcm'), join(inDir, 'nested', 'MR_small_RLE.dcm'));
    copyFileSync(join(pydicom, 'SC_rgb_rle.dcm'), join(inDir, 'SC_rgb_rle.dcm'));
    copyFileSync(join(root, 'fixtures/dicom/malformed/pydicom/MR_truncated.dcm'), join(inDir, 'MR_truncated.dcm'));
    const out = join(dir, 'out');

    const { status, summary } = runCli([inDir, '--out', out, '--secret', 'cli-secret']);
    expect(status).toBe(1);
    expect(summary.written.map((w) => w.input.split('/').at(-1)).sort()).toEqual(['CT_small.dcm', 'MR_small_RLE.dcm']);
    expect(summary.quarantined.map((q) => q.input.split('/').at(-1))).toEqual(['SC_rgb_rle.dcm']);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0].reason).toMatch(/^MR_truncated\.dcm: the file ends early — it is cut off at byte \d+/);
    for (const w of summary.written) expect(existsSync(w.output!)).toBe(true);
    // atomic writes leave no temp files behind
    expect(readdirSync(out).sort()).toEqual(summary.written.map((w) => w.output!.split('/').at(-1)).sort());

    const ok = runCli([
      join(inDir, 'CT_small.dcm'),
      join(inDir, 'SC_rgb_rle.dcm'),
      '--out',
      // other options write other bytes under the same name: into a folder of its own (never overwritten)
      `${out}-device`,
      '--secret',
      'cli-secret',
      '--options',
      'retainDeviceIdentity',
    ]);
    expect(ok.status).toBe(0);
    expect(ok.summary.written).toHaveLength(1);
    expect(ok.summary.quarantined).toHaveLength(1);
  });

  it('never overwrites: over all test DICOM the written count equals the files on disk, collisions are named', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'segflow-cli-')), 'out');
    const all = join(root, 'fixtures/dicom');
    const hashes = () =>
      Object.fromEntries(
        readdirSync(out).map((f) => [
          f,
          createHash('sha256')
            .update(readFileSync(join(out, f)))
            .digest('hex'),
        ]),
      );

    const first = runCli([all, '--out', out, '--secret', 'cli-secret']);
    const files = readdirSync(out).sort();
    expect(first.summary.written.length).toBeGreaterThan(80);
    expect(files).toEqual(first.summary.written.map((w) => w.output!.split('/').at(-1)).sort());
    // never named after the input file (a name may identify a patient)
    for (const f of files) expect(f).toMatch(/^(2\.25\.\d+|no-uid-[0-9a-f]{32})\.dcm$/);
    // the same instance in two folders is written once and listed as a duplicate
    expect(first.summary.duplicates.length).toBeGreaterThan(0);
    for (const d of first.summary.duplicates) expect(first.summary.written.some((w) => w.input === d.sameAs && w.output === d.output)).toBe(true);
    // different instances sharing a SOP Instance UID (one series stored as JPEG and as JPEG 2000): the second fails naming both
    const clash = first.summary.failed.find((f) => f.input.includes('/compressed_jpeg/'));
    expect(clash?.reason).toContain(clash!.input);
    expect(clash?.reason).toContain(clash!.input.replace('/compressed_jpeg/', '/compressed_j2k/'));
    expect(clash?.reason).toMatch(/same SOP Instance UID/);
    const listed = ['written', 'duplicates', 'quarantined', 'failed'] as const;
    expect(listed.reduce((n, k) => n + first.summary[k].length, 0)).toBe(new Set(listed.flatMap((k) => first.summary[k].map((e) => e.input))).size);

    // again into the same folder: nothing changes on disk, and the counts still hold
    const before = hashes();
    const again = runCli([all, '--out', out, '--secret', 'cli-secret']);
    expect(hashes()).toEqual(before);
    expect(again.summary.written.length).toBe(files.length);
    // other options give the same UIDs (so the same names) but other bytes: an earlier run's file
    // is kept, the new one refused
    const other = runCli([join(all, 'series/dcmqi-ct-3slice-liver-seg/ct'), '--out', out, '--secret', 'cli-secret', '--options', 'retainDeviceIdentity']);
    expect(hashes()).toEqual(before);
    expect(other.summary.written).toHaveLength(0);
    expect(other.summary.failed).toHaveLength(3);
    for (const f of other.summary.failed) expect(f.reason).toMatch(/an earlier run .*that file is kept/);
  });
});
