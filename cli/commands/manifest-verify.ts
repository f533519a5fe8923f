/**
 * `segflow manifest verify <file> [--public-key <file>]...`: checks a signed run manifest offline and
 * prints one JSON line, { ok, sha256, keyId } or { ok: false, problem }; exit 1 when not ok.
 * Without --public-key only the envelope's own consistency is checked (see verify-manifest.ts).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { TManifestVerification } from '@/lib/manifests/verify-manifest';

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function verifyFile(file: string, keyFiles: string[]): Promise<TManifestVerification> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    return { ok: false, problem: `${file}: not readable JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const trustedPublicKeys: string[] = [];
  for (const keyFile of keyFiles) {
    try {
      trustedPublicKeys.push(await readFile(keyFile, 'utf8'));
    } catch (err) {
      return { ok: false, problem: `${keyFile}: not readable (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  const { verifyManifest } = await import('@/lib/manifests/verify-manifest');
  return verifyManifest(envelope, keyFiles.length ? { trustedPublicKeys } : {});
}

export function register(program: Command): void {
  const manifest = program.command('manifest').description('signed run manifests');
  manifest
    .command('verify')
    .description('check a signed run manifest: schema, sha256, Ed25519 signature, and (with --public-key) who signed it')
    .argument('<file>', 'the manifest envelope (JSON)')
    .option('--public-key <file>', 'a trusted signing key: PEM, or base64 of the raw 32 bytes (repeatable)', collect)
    .action(async (file: string, opts: { publicKey?: string[] }) => {
      const keyFiles = opts.publicKey ?? [];
      const res = await verifyFile(file, keyFiles);
      process.stdout.write(`${JSON.stringify(res)}\n`);
      if (!res.ok) process.exitCode = 1;
      else if (!keyFiles.length) {
        process.stderr.write(`segflow: note: signed by key ${res.keyId}; pass --public-key to check that it is the platform's\n`);
      }
    });
}
