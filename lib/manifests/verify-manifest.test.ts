import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalManifestBytes, manifestSha256 } from './canonical-manifest';
import type { TRunManifest } from './manifest-schema';
import { signManifest, type TSignedManifest } from './sign-manifest';
import { keyId, publicKeyPem } from './signing-key';
import { verifyManifest } from './verify-manifest';

const h = (c: string) => c.repeat(64);
const project = randomUUID();
const study = randomUUID();

function sampleManifest(): TRunManifest {
  return {
    schema: 'segflow.run-manifest/1',
    run: {
      id: randomUUID(),
      key: h('a'),
      project,
      study,
      submittedBy: { id: randomUUID(), email: 'ada@example.org' },
      submittedAt: '2025-03-01T10:00:00.000Z',
      finishedAt: '2025-03-01T10:04:12.512Z',
      status: 'succeeded',
    },
    pipeline: {
      version: '1.4.0',
      executor: 'argo',
      build: 'images',
      images: { infer: `ghcr.io/segflow/infer@sha256:${h('b')}`, deidentify: `ghcr.io/segflow/deid@sha256:${h('c')}` },
    },
    inputs: [
      { key: `raw-phi/${project}/${study}/u1/0`, versionId: 'v-001', sha256: h('1'), size: 524_288 },
      { key: `raw-phi/${project}/${study}/u1/1`, versionId: null, sha256: h('2'), size: 524_290 },
    ],
    models: [
      { role: 'live', model: 'liver-seg', version: '3', sha256: h('d') },
      { role: 'shadow', model: 'liver-seg', version: '4', sha256: h('e') },
    ],
    params: { threshold: 0.5, labels: [1, 2], post: { fillHoles: true, minComponent: 20, note: 'crème brûlée ✓' } },
    steps: [
      {
        name: 'deidentify',
        status: 'succeeded',
        attempts: 2,
        startedAt: '2025-03-01T10:00:01.000Z',
        finishedAt: '2025-03-01T10:00:09.000Z',
        outputs: [{ key: `derived/${project}/${study}/deid/0.dcm`, versionId: 'v-9', sha256: h('3'), size: 520_000 }],
      },
      { name: 'compare', status: 'skipped', attempts: 0, startedAt: null, finishedAt: null, outputs: [] },
    ],
  };
}

const platform = generateKeyPairSync('ed25519');
const attacker = generateKeyPairSync('ed25519');
const platformPem = publicKeyPem(platform.privateKey);
const platformRaw = (env: TSignedManifest) => env.signature.publicKey;

/** a JSON round trip, as a stored file is read back: a deep copy with no shared references */
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('sign → verify', () => {
  it('round-trips: the hash is of the canonical bytes and the key id is of the public key', () => {
    const m = sampleManifest();
    const env = signManifest(m, platform.privateKey);
    expect(env.sha256).toBe(manifestSha256(m));
    expect(env.signature.keyId).toBe(keyId(platform.publicKey));
    expect(Buffer.from(env.signature.publicKey, 'base64')).toHaveLength(32);
    const res = verifyManifest(copy(env));
    expect(res).toEqual({ ok: true, sha256: env.sha256, keyId: keyId(platform.publicKey) });
    expect(verifyManifest(copy(env), { trustedPublicKeys: [platformPem] }).ok).toBe(true);
    expect(verifyManifest(copy(env), { trustedPublicKeys: [platformRaw(env)] }).ok).toBe(true);
  });

  it('canonical bytes are RFC 8785: sorted keys, no whitespace, UTF-8', () => {
    const bytes = canonicalManifestBytes({ b: 1, a: { d: [1, 'é'], c: null }, ä: 1e21, z: 0.1 });
    expect(bytes.toString('utf8')).toBe('{"a":{"c":null,"d":[1,"é"]},"b":1,"z":0.1,"ä":1e+21}');
  });

  it('key order and whitespace in the stored file do not matter', () => {
    const env = signManifest(sampleManifest(), platform.privateKey);
    const reorder = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reorder)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reorder(x)]),
            )
          : v;
    const text = JSON.stringify(reorder(env), null, 7).replace(/\n/g, '\r\n   ');
    expect(text).not.toBe(JSON.stringify(env));
    expect(verifyManifest(JSON.parse(text), { trustedPublicKeys: [platformPem] })).toMatchObject({ ok: true, sha256: env.sha256 });
  });

  const tampers: [string, (m: TRunManifest) => void][] = [
    ['a step output sha256', (m) => (m.steps[0].outputs[0].sha256 = h('4'))],
    ['an input versionId', (m) => (m.inputs[1].versionId = 'v-002')],
    ['a nested param', (m) => ((m.params.post as { minComponent: number }).minComponent = 21)],
    ['a step attempt count', (m) => (m.steps[0].attempts = 1)],
    ['the model hash', (m) => (m.models[0].sha256 = h('f'))],
    ['the submitter', (m) => (m.run.submittedBy.email = 'mallory@example.org')],
    ['an optional field added', (m) => (m.steps[0].error = 'none')],
  ];
  it.each(tampers)('changing %s fails on the hash, and with the hash recomputed, on the signature', (_, tamper) => {
    const env = copy(signManifest(sampleManifest(), platform.privateKey));
    tamper(env.manifest);
    const res = verifyManifest(env);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.problem).toMatch(/^sha256 mismatch/);

    env.sha256 = manifestSha256(env.manifest);
    const again = verifyManifest(env);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.problem).toMatch(/^signature invalid/);
  });

  it('a re-signed manifest with the attacker’s key is self-consistent; only trusted keys catch it', () => {
    const env = copy(signManifest(sampleManifest(), platform.privateKey));
    env.manifest.steps[0].outputs[0].sha256 = h('4');
    const forged = signManifest(env.manifest, attacker.privateKey);
    expect(verifyManifest(copy(forged))).toMatchObject({ ok: true, keyId: keyId(attacker.publicKey) });
    const res = verifyManifest(copy(forged), { trustedPublicKeys: [platformPem] });
    expect(res).toEqual({ ok: false, problem: expect.stringMatching(/^untrusted signing key [0-9a-f]{16}/) });
    // swapping only the public key (keeping the platform's signature) fails on the signature itself
    const swapped = copy(signManifest(sampleManifest(), platform.privateKey));
    swapped.signature.publicKey = forged.signature.publicKey;
    swapped.signature.keyId = forged.signature.keyId;
    expect(verifyManifest(swapped)).toEqual({ ok: false, problem: expect.stringMatching(/^signature invalid/) });
    // keyId that does not belong to the key
    const badId = copy(signManifest(sampleManifest(), platform.privateKey));
    badId.signature.keyId = '0123456789abcdef';
    expect(verifyManifest(badId)).toEqual({ ok: false, problem: expect.stringMatching(/^signature\.keyId .* does not match/) });
  });

  it('a bad trusted key is reported, not thrown', () => {
    const env = copy(signManifest(sampleManifest(), platform.privateKey));
    expect(verifyManifest(env, { trustedPublicKeys: [platformPem, 'not a key'] })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^trusted public key #2: /),
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verifyManifest(env, { trustedPublicKeys: [rsa] })).toMatchObject({ ok: false, problem: expect.stringMatching(/^trusted public key #1/) });
  });

  it('refuses to sign a manifest that fails the schema', () => {
    const m = sampleManifest();
    m.inputs[0].sha256 = 'ABC';
    expect(() => signManifest(m, platform.privateKey)).toThrow(/manifest\.inputs\.0\.sha256/);
    expect(() => signManifest(sampleManifest(), platform.publicKey)).toThrow(/private key/);
  });
});

describe('malformed envelopes are ok:false naming the field, never a throw', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the cases below break the envelope's shape on purpose
  const good = () => copy(signManifest(sampleManifest(), platform.privateKey)) as unknown as Record<string, any>;
  const cases: [string, () => unknown, RegExp][] = [
    ['null', () => null, /^envelope: .*expected object/],
    ['a string', () => 'manifest', /^envelope: .*expected object/],
    ['an array', () => [], /^envelope: .*expected object/],
    ['a number', () => 42, /^envelope: /],
    ['no signature', () => ({ ...good(), signature: undefined }), /^signature: /],
    [
      'no signature value',
      () => {
        const e = good();
        delete e.signature.value;
        return e;
      },
      /^signature\.value: /,
    ],
    [
      'signature not base64',
      () => {
        const e = good();
        e.signature.value = '!!not base64!!';
        return e;
      },
      /^signature\.value: /,
    ],
    [
      'signature wrong length',
      () => {
        const e = good();
        e.signature.value = Buffer.alloc(10).toString('base64');
        return e;
      },
      /^signature\.value: .*64 bytes/,
    ],
    [
      'public key not base64',
      () => {
        const e = good();
        e.signature.publicKey = 'zzz';
        return e;
      },
      /^signature\.publicKey: /,
    ],
    [
      'another algorithm',
      () => {
        const e = good();
        e.signature.alg = 'RS256';
        return e;
      },
      /^signature\.alg: /,
    ],
    ['sha256 as number', () => ({ ...good(), sha256: 12 }), /^sha256: /],
    [
      'wrong schema id',
      () => {
        const e = good();
        e.manifest.schema = 'segflow.run-manifest/2';
        return e;
      },
      /^manifest\.schema: /,
    ],
    [
      'size as a string',
      () => {
        const e = good();
        e.manifest.inputs[0].size = '12';
        return e;
      },
      /^manifest\.inputs\.0\.size: /,
    ],
    [
      'unknown run status',
      () => {
        const e = good();
        e.manifest.run.status = 'done';
        return e;
      },
      /^manifest\.run\.status: /,
    ],
    [
      'missing outputs',
      () => {
        const e = good();
        delete e.manifest.steps[1].outputs;
        return e;
      },
      /^manifest\.steps\.1\.outputs: /,
    ],
    [
      'uppercase hash',
      () => {
        const e = good();
        e.manifest.models[0].sha256 = 'D'.repeat(64);
        return e;
      },
      /^manifest\.models\.0\.sha256: /,
    ],
    [
      'key outside derived/',
      () => {
        const e = good();
        e.manifest.steps[0].outputs[0].key = 'raw-phi/x/y';
        return e;
      },
      /^manifest\.steps\.0\.outputs\.0\.key: /,
    ],
    [
      'path traversal key',
      () => {
        const e = good();
        e.manifest.inputs[0].key = 'derived/../raw-phi/x';
        return e;
      },
      /^manifest\.inputs\.0\.key: /,
    ],
    [
      'an unsigned extra field',
      () => {
        const e = good();
        e.manifest.run.comment = 'hi';
        return e;
      },
      /^manifest\.run: .*comment/,
    ],
    ['an extra envelope field', () => ({ ...good(), note: 'x' }), /^envelope: .*note/],
    ['__proto__ key', () => JSON.parse(`{"__proto__":{"polluted":1},${JSON.stringify(good()).slice(1)}`), /__proto__/],
  ];
  it.each(cases)('%s', (_, make, problem) => {
    let res: ReturnType<typeof verifyManifest> | undefined;
    expect(() => (res = verifyManifest(make()))).not.toThrow();
    expect(res).toEqual({ ok: false, problem: expect.stringMatching(problem) });
  });
});

// four CLI starts: seconds apiece on a shared 2-core machine
describe('segflow manifest verify', { timeout: 180_000 }, () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'segflow-manifest-cli-'));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/segflow.mjs'), 'manifest', 'verify', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SEGFLOW_DATA_DIR: dir },
    });

  it('exits 0 on a good file and 1 on a tampered one, one JSON line each', () => {
    const env = signManifest(sampleManifest(), platform.privateKey);
    writeFileSync(join(dir, 'good.json'), JSON.stringify(env, null, 2));
    writeFileSync(join(dir, 'platform.pem'), platformPem);
    writeFileSync(join(dir, 'attacker.b64'), `${signManifest(sampleManifest(), attacker.privateKey).signature.publicKey}\n`);
    const tampered = copy(env);
    tampered.manifest.inputs[0].versionId = 'v-000';
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered));
    writeFileSync(join(dir, 'broken.json'), '{"manifest":');

    const good = cli(join(dir, 'good.json'), '--public-key', join(dir, 'platform.pem'));
    expect(good.status).toBe(0);
    expect(good.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(good.stdout)).toEqual({ ok: true, sha256: env.sha256, keyId: env.signature.keyId });

    const bad = cli(join(dir, 'tampered.json'), '--public-key', join(dir, 'platform.pem'));
    expect(bad.status).toBe(1);
    expect(bad.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(bad.stdout)).toEqual({ ok: false, problem: expect.stringMatching(/^sha256 mismatch/) });

    const untrusted = cli(join(dir, 'good.json'), '--public-key', join(dir, 'attacker.b64'));
    expect(untrusted.status).toBe(1);
    expect(JSON.parse(untrusted.stdout).problem).toMatch(/^untrusted signing key/);

    const broken = cli(join(dir, 'broken.json'), '--public-key', join(dir, 'platform.pem'));
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout).problem).toMatch(/broken\.json: not readable JSON/);
  });
});
