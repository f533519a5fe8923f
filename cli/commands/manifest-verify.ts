/**
 * `segflow manifest verify <file | run id> [--public-key <file>]... [--objects]`: checks a signed run
 * manifest (or a promotion evidence record, manifests/promotions/) against the platform's published key and prints one JSON line, { ok, sha256, keyId } or
 * { ok: false, problem }; exit 1 when not ok. The trusted key is, in order: --public-key; the key the
 * app at SEGFLOW_URL publishes (GET /api/manifests/public-key); the embedded data dir's key. A
 * manifest signed by any other key fails. --objects re-reads every object it names from the store.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { TPublicKeyDocument } from '@/lib/manifests/public-key-document';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Outcome = { ok: true; sha256: string; keyId: string; objects?: number } | { ok: false; problem: string };

/** a problem worded for the user (a file, a URL, a missing key) */
class Refusal extends Error {}

async function fetchJson(url: string, token?: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (err) {
    throw new Refusal(`${url}: not reachable (${err instanceof Error ? err.message : String(err)})`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Refusal(`${url}: ${res.status} ${body?.error?.message ?? res.statusText}`);
  return body;
}

async function loadEnvelope(target: string): Promise<unknown> {
  if (!existsSync(target) && UUID.test(target)) {
    const { apiConnection } = await import('@/lib/platform/api-client');
    const { baseUrl, token } = apiConnection('operator');
    return fetchJson(`${baseUrl}/api/runs/${target}/manifest`, token);
  }
  try {
    return JSON.parse(await readFile(target, 'utf8'));
  } catch (err) {
    throw new Refusal(`${target}: not readable JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

async function trustedKeys(keyFiles: string[]): Promise<string[]> {
  if (keyFiles.length) {
    return Promise.all(
      keyFiles.map((f) =>
        readFile(f, 'utf8').catch((err: unknown) => {
          throw new Refusal(`${f}: not readable (${err instanceof Error ? err.message : String(err)})`);
        }),
      ),
    );
  }
  // loaded when used: `segflow --help` loads no command's code (npm run bench cli)
  const { config } = await import('@/lib/config');
  const { localPlatformPublicKey } = await import('@/lib/manifests/public-key-document');
  const url = config().api.url;
  if (url) return [((await fetchJson(`${url.replace(/\/$/, '')}/api/manifests/public-key`)) as TPublicKeyDocument).pem];
  const local = localPlatformPublicKey();
  if (local) return [local.pem];
  throw new Refusal(
    `no platform key to check against: set SEGFLOW_URL (the app publishes its key at /api/manifests/public-key), run this where the platform's data dir is (${config().dataDir}), or pass --public-key`,
  );
}

async function verify(target: string, o: { publicKey?: string[]; objects?: boolean }): Promise<Outcome> {
  try {
    const { verifyManifest } = await import('@/lib/manifests/verify-manifest');
    const envelope = await loadEnvelope(target);
    const res = verifyManifest(envelope, { trustedPublicKeys: await trustedKeys(o.publicKey ?? []) });
    if (!res.ok || !o.objects) return res;
    // a promotion evidence record names runs, not stored objects: nothing to re-read
    if ((envelope as { manifest?: { schema?: string } }).manifest?.schema !== 'segflow.run-manifest/1') return { ...res, objects: 0 };
    const { checkManifestObjects } = await import('@/lib/manifests/check-manifest-objects');
    const { ZSignedManifest } = await import('@/lib/manifests/sign-manifest');
    const objects = await checkManifestObjects(ZSignedManifest.parse(envelope).manifest);
    return objects.ok ? { ...res, objects: objects.objects } : objects;
  } catch (err) {
    // a refusal, or e.g. no API token for a run id: one JSON line with the reason, never a stack
    return { ok: false, problem: err instanceof Error ? err.message : String(err) };
  }
}

export function register(program: Command): void {
  const manifest = program.command('manifest').description('signed run manifests');
  manifest
    .command('verify')
    .description(
      "check a signed run manifest or promotion evidence record: schema, sha256, Ed25519 signature by the platform's published key, and (--objects) every object a run manifest names",
    )
    .argument('<file|run>', 'the manifest envelope (a JSON file), or a run id to fetch it from the app')
    .option('--public-key <file>', 'trust this key instead of the published one: PEM, or base64 of the raw 32 bytes (repeatable)', collect)
    .option('--objects', 're-read every input and output from the store (by version id when recorded) and check size and SHA-256')
    .action(async (target: string, opts: { publicKey?: string[]; objects?: boolean }) => {
      const res = await verify(target, opts);
      process.stdout.write(`${JSON.stringify(res)}\n`);
      if (!res.ok) process.exitCode = 1;
    });
}
