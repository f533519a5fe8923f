import { createHash } from 'node:crypto';
import { ZSignedManifest } from '@/lib/manifests/sign-manifest';
import { verifyManifest } from '@/lib/manifests/verify-manifest';
import type { RunOutputDto } from './list-run-outputs';

export interface DownloadedOutput {
  output: RunOutputDto;
  bytes: Uint8Array;
}

/**
 * Checks what `segflow runs download` fetched before anything is written: the manifest (when the
 * caller's role may read it) must verify (signature, and the SHA-256 the run records), and every
 * other file must have the SHA-256 the manifest records for its key — or, without a manifest, the one
 * the run records (the same value, from the same step output). Returns the problems, each naming the
 * file; none means every file may be written.
 */
export function checkDownloads(files: DownloadedOutput[]): { problems: string[]; checkedAgainst: 'manifest' | 'run record' } {
  const problems: string[] = [];
  const manifestFile = files.find((f) => f.output.file === 'manifest.json');
  const recorded = new Map<string, string>();
  if (manifestFile) {
    let envelope: unknown;
    try {
      envelope = JSON.parse(new TextDecoder().decode(manifestFile.bytes));
    } catch {
      problems.push('manifest.json: not JSON');
    }
    if (envelope !== undefined) {
      const verdict = verifyManifest(envelope);
      if (!verdict.ok) problems.push(`manifest.json: ${verdict.problem}`);
      else if (verdict.sha256 !== manifestFile.output.sha256)
        problems.push(`manifest.json: SHA-256 ${verdict.sha256} is not the run's recorded ${manifestFile.output.sha256}`);
      else for (const s of ZSignedManifest.parse(envelope).manifest.steps) for (const o of s.outputs) recorded.set(o.key, o.sha256);
    }
  }
  for (const f of files) {
    if (f.output.file === 'manifest.json') continue;
    const sha256 = createHash('sha256').update(f.bytes).digest('hex');
    const expected = manifestFile ? recorded.get(f.output.key) : f.output.sha256;
    if (!expected) problems.push(`${f.output.file}: the manifest records no ${f.output.key}`);
    else if (sha256 !== expected)
      problems.push(`${f.output.file}: SHA-256 ${sha256} does not match the ${manifestFile ? 'manifest' : 'run record'}'s ${expected}`);
  }
  return { problems, checkedAgainst: manifestFile ? 'manifest' : 'run record' };
}
