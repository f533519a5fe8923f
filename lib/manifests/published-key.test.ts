import { spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs } from '@/db/schema';
import { GET as publicKeyRoute } from '@/app/api/manifests/public-key/route';
import { GET as runManifestRoute } from '@/app/api/runs/[run]/manifest/route';
import { newRun } from '@/test/endpoint-matrix';
import { startRouteServer } from '@/test/route-server';
import { createTestProject } from '@/test/test-project';
import { closeDb, getDb } from '../db';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { putObject } from '../storage/objects';
import { configuredBucket } from '../storage/put-object-once';
import { derivedKey, manifestKey, rawPhiKey } from '../storage/keys';
import type { TRunManifest } from './manifest-schema';
import { signManifest } from './sign-manifest';
import { keyId, publicKeyPem, signingKeyPath } from './signing-key';
import type { TPublicKeyDocument } from './public-key-document';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const platform = generateKeyPairSync('ed25519').privateKey;
const platformPkcs8 = platform.export({ format: 'pem', type: 'pkcs8' }).toString();
const attacker = generateKeyPairSync('ed25519').privateKey;

// the platform's data dir: its private key where `segflow start` keeps it
const dataDir = mkdtempSync(join(tmpdir(), 'segflow-published-key-'));
mkdirSync(join(dataDir, 'keys'), { recursive: true });
writeFileSync(signingKeyPath(dataDir), platformPkcs8, { mode: 0o600 });
const emptyDir = mkdtempSync(join(tmpdir(), 'segflow-no-key-'));

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; out: { ok: boolean; problem?: string; objects?: number; keyId?: string } }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/segflow.mjs'), 'manifest', 'verify', ...args], {
      cwd: ROOT,
      env: { ...process.env, SEGFLOW_DATA_DIR: dataDir, SEGFLOW_MANIFEST_SIGNING_KEY: '', SEGFLOW_URL: '', SEGFLOW_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => {
      try {
        resolve({ status, out: JSON.parse(stdout) });
      } catch {
        throw new Error(`not one JSON line: ${stdout} ${stderr}`);
      }
    });
  });
}

/** A manifest whose objects really are in the test bucket. */
async function storedManifest(projectId: string = randomUUID(), studyId: string = randomUUID()): Promise<{ manifest: TRunManifest; outputKey: string }> {
  const input = await putObject({ key: rawPhiKey({ projectId, studyId, uploadId: randomUUID(), index: 0 }), body: Buffer.from('input bytes') });
  const output = await putObject({
    key: derivedKey({ projectId, studyId, path: ['runs', randomUUID(), 'infer', 'mask.nii.gz'] }),
    body: Buffer.from('mask bytes, label 1 and 2'),
  });
  const manifest: TRunManifest = {
    schema: 'segflow.run-manifest/1',
    run: {
      id: randomUUID(),
      key: 'a'.repeat(64),
      project: projectId,
      study: studyId,
      submittedBy: { id: randomUUID(), email: 'ada@example.org' },
      submittedAt: '2026-03-01T10:00:00.000Z',
      finishedAt: '2026-03-01T10:04:12.512Z',
      status: 'succeeded',
    },
    pipeline: { version: 'segflow-pipeline/1', executor: 'local', build: 'local:test' },
    inputs: [input],
    models: [{ role: 'live', model: 'brain-tissue', version: '1.0.0', sha256: 'd'.repeat(64) }],
    params: {},
    steps: [
      { name: 'infer', status: 'succeeded', attempts: 1, startedAt: '2026-03-01T10:00:01.000Z', finishedAt: '2026-03-01T10:00:09.000Z', outputs: [output] },
    ],
  };
  return { manifest, outputKey: output.key };
}

const write = (name: string, v: unknown) => {
  const path = join(emptyDir, name);
  writeFileSync(path, JSON.stringify(v));
  return path;
};

// Each case starts the CLI a few times: seconds apiece on a shared 2-core machine.
describe('the published manifest key', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof startRouteServer>>;
  beforeAll(async () => {
    process.env.SEGFLOW_MANIFEST_SIGNING_KEY = platformPkcs8;
    server = await startRouteServer([
      ['GET', /^\/api\/manifests\/public-key$/, [], publicKeyRoute],
      ['GET', /^\/api\/runs\/([^/]+)\/manifest$/, ['run'], runManifestRoute],
    ]);
  });
  afterAll(async () => {
    delete process.env.SEGFLOW_MANIFEST_SIGNING_KEY;
    await server.close();
    await closeDb();
  });

  it('GET /api/manifests/public-key needs no login and gives PEM, JWK and key id of the platform key', async () => {
    const res = await publicKeyRoute();
    expect(res.status).toBe(200);
    const doc = (await res.json()) as TPublicKeyDocument;
    expect(doc).toEqual({
      alg: 'Ed25519',
      keyId: keyId(platform),
      pem: publicKeyPem(platform),
      jwk: expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid: keyId(platform) }),
    });
    expect(createPublicKey({ key: doc.jwk, format: 'jwk' }).equals(createPublicKey(platform))).toBe(true);
  });

  it('verify trusts the published key by default: the data dir, or SEGFLOW_URL; any other signer fails', async () => {
    const { manifest } = await storedManifest();
    const good = write('good.json', signManifest(manifest, platform));
    const forged = write('forged.json', signManifest(manifest, attacker));

    // independent processes: run them side by side (each CLI start takes seconds on a small machine)
    const [byDir, forgedByDir, byUrl, forgedByUrl, none] = await Promise.all([
      cli([good]),
      cli([forged]),
      // no data dir key, the app's URL: its published key decides
      cli([good], { SEGFLOW_DATA_DIR: emptyDir, SEGFLOW_URL: server.url }),
      cli([forged], { SEGFLOW_DATA_DIR: emptyDir, SEGFLOW_URL: server.url }),
      // nothing to trust: refused with what to do, never passed with a note
      cli([good], { SEGFLOW_DATA_DIR: emptyDir }),
    ]);
    expect(byDir).toMatchObject({ status: 0, out: { ok: true, keyId: keyId(platform) } });
    expect(forgedByDir.status).toBe(1);
    expect(forgedByDir.out.problem).toMatch(/^untrusted signing key [0-9a-f]{16}/);
    expect(byUrl).toMatchObject({ status: 0, out: { ok: true } });
    expect(forgedByUrl).toMatchObject({ status: 1, out: { problem: expect.stringMatching(/^untrusted signing key/) } });
    expect(none.status).toBe(1);
    expect(none.out.problem).toMatch(/^no platform key to check against: set SEGFLOW_URL/);
  });

  it('--objects re-reads every object by its recorded version and names the one that differs', async () => {
    const { manifest, outputKey } = await storedManifest();
    const recorded = manifest.steps[0].outputs[0];
    expect(recorded.versionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = write('objects.json', signManifest(manifest, platform));
    // a manifest from a store without versions: its objects are read as they are now
    const unversioned = structuredClone(manifest);
    for (const ref of [...unversioned.inputs, ...unversioned.steps.flatMap((x) => x.outputs)]) ref.versionId = null;
    const unversionedFile = write('objects-unversioned.json', signManifest(unversioned, platform));
    expect(await cli([file, '--objects'])).toMatchObject({ status: 0, out: { ok: true, objects: 2 } });

    // one flipped byte in the mask, same size: a new version; the recorded one is what is checked
    await putObject({ key: outputKey, body: Buffer.from('mask bytes, label 1 and 3') });
    const [byVersion, byKey] = await Promise.all([cli([file, '--objects']), cli([unversionedFile, '--objects'])]);
    expect(byVersion).toMatchObject({ status: 0, out: { ok: true, objects: 2 } });
    expect(byKey.status).toBe(1);
    expect(byKey.out.problem).toMatch(new RegExp(`^${outputKey}: sha256 [0-9a-f]{64} in the store, the manifest records ${recorded.sha256}$`));

    // the recorded version itself removed from the store
    const { client, bucket } = configuredBucket();
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: outputKey, VersionId: recorded.versionId! }));
    const gone = await cli([file, '--objects']);
    expect(gone.status).toBe(1);
    expect(gone.out.problem).toBe(`${outputKey} (version ${recorded.versionId}): missing from the store`);
  });

  it('a run id fetches the manifest from the app (operators and admins)', async () => {
    const db = getDb();
    const project = await createTestProject(db);
    const run = await newRun(db, project);
    const { manifest } = await storedManifest(project.id);
    const key = manifestKey({ projectId: project.id, runId: run.id });
    await putObject({ key, body: Buffer.from(JSON.stringify(signManifest(manifest, platform))) });
    await db.update(runs).set({ manifestKey: key }).where(eq(runs.id, run.id));

    const env = { SEGFLOW_URL: server.url, SEGFLOW_DATA_DIR: emptyDir };
    expect(await cli([run.id], { ...env, SEGFLOW_TOKEN: project.users.operator.token })).toMatchObject({ status: 0, out: { ok: true } });
    const researcher = await cli([run.id], { ...env, SEGFLOW_TOKEN: project.users.researcher.token });
    expect(researcher.status).toBe(1);
    expect(researcher.out.problem).toMatch(/403/);
  });
});
