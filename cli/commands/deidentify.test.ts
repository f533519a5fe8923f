import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pydicom = join(root, 'fixtures/dicom/single/pydicom');

function runCli(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/segflow.mjs'), 'deidentify', ...args], { encoding: 'utf8', timeout: 60_000 });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return { status: r.status, summary: JSON.parse(last) as Record<'written' | 'quarantined' | 'failed', { input: string; output?: string; reason?: string }[]> };
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
    expect(summary.failed[0].reason).toMatch(/^MR_truncated\.dcm: .*exceeds/);
    for (const w of summary.written) expect(existsSync(w.output!)).toBe(true);
    // atomic writes leave no temp files behind
    expect(readdirSync(out).sort()).toEqual(summary.written.map((w) => w.output!.split('/').at(-1)).sort());

    const ok = runCli([
      join(inDir, 'CT_small.dcm'),
      join(inDir, 'SC_rgb_rle.dcm'),
      '--out',
      out,
      '--secret',
      'cli-secret',
      '--options',
      'retainDeviceIdentity',
    ]);
    expect(ok.status).toBe(0);
    expect(ok.summary.written).toHaveLength(1);
    expect(ok.summary.quarantined).toHaveLength(1);
  });
});
