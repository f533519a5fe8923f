import { spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSigningKeyFile, keyId, loadSigningKey, publicKeyFromRaw, publicKeyPem, rawPublicKey, signingKeyPath } from './signing-key';

const tempDataDir = () => mkdtempSync(join(tmpdir(), 'segflow-manifest-key-'));

// A key in the developer's or CI's environment would win over every data dir these tests make.
beforeEach(() => {
  vi.stubEnv('SEGFLOW_MANIFEST_SIGNING_KEY', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the manifest signing key', () => {
  it('is generated once, 0600, in <data dir>/keys, and reused by the next load', () => {
    const dir = tempDataDir();
    vi.stubEnv('SEGFLOW_DATA_DIR', dir);
    const path = join(dir, 'keys', 'manifest-signing-key.pem');
    expect(signingKeyPath()).toBe(path);
    expect(existsSync(path)).toBe(false);

    const first = loadSigningKey();
    expect(first.asymmetricKeyType).toBe('ed25519');
    expect(first.type).toBe('private');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['manifest-signing-key.pem']);

    const second = loadSigningKey();
    expect(keyId(second)).toBe(keyId(first));
    expect(publicKeyPem(second)).toBe(publicKeyPem(first));
    expect(publicKeyPem()).toBe(publicKeyPem(first));
  });

  it('two processes racing on first start end with one key, the same for both', async () => {
    const dir = tempDataDir();
    const ROOT = fileURLToPath(new URL('../../', import.meta.url));
    const script = `import { keyId, loadSigningKey } from './lib/manifests/signing-key.ts'; process.stdout.write(keyId(loadSigningKey()));`;
    const one = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: ROOT,
          env: { ...process.env, SEGFLOW_DATA_DIR: dir, SEGFLOW_MANIFEST_SIGNING_KEY: '' },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
      });
    const ids = await Promise.all([one(), one(), one()]);
    expect(new Set(ids).size).toBe(1);
    expect(keyId(loadSigningKey({ dataDir: dir }))).toBe(ids[0]);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['manifest-signing-key.pem']);
  });

  it('creating the key file when another process already made it returns that key, untouched', () => {
    const dir = tempDataDir();
    const winner = loadSigningKey({ dataDir: dir });
    const before = readFileSync(signingKeyPath(dir), 'utf8');
    const loser = createSigningKeyFile(signingKeyPath(dir));
    expect(keyId(loser)).toBe(keyId(winner));
    expect(readFileSync(signingKeyPath(dir), 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['manifest-signing-key.pem']);
  });

  it('the environment wins over the key file, and a one-line PEM with literal \\n works', () => {
    const dir = tempDataDir();
    const fileKey = loadSigningKey({ dataDir: dir });
    const envKey = generateKeyPairSync('ed25519').privateKey;
    const pem = envKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    vi.stubEnv('SEGFLOW_MANIFEST_SIGNING_KEY', pem);
    expect(keyId(loadSigningKey({ dataDir: dir }))).toBe(keyId(envKey));
    expect(keyId(loadSigningKey({ dataDir: dir }))).not.toBe(keyId(fileKey));
    vi.stubEnv('SEGFLOW_MANIFEST_SIGNING_KEY', pem.replace(/\n/g, '\\n'));
    expect(keyId(loadSigningKey({ dataDir: dir }))).toBe(keyId(envKey));
  });

  it('a bad key is refused naming its source, without echoing it', () => {
    vi.stubEnv('SEGFLOW_MANIFEST_SIGNING_KEY', 'secret-garbage');
    expect(() => loadSigningKey({ dataDir: tempDataDir() })).toThrow(/^SEGFLOW_MANIFEST_SIGNING_KEY: not a PEM private key$/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    vi.stubEnv('SEGFLOW_MANIFEST_SIGNING_KEY', '');
    const dir = tempDataDir();
    loadSigningKey({ dataDir: dir });
    writeFileSync(signingKeyPath(dir), rsa);
    expect(() => loadSigningKey({ dataDir: dir })).toThrow(/manifest-signing-key\.pem: expected an Ed25519 key, got rsa/);
  });

  it('key id is the first 16 hex of sha256(raw public key); raw ↔ key object round-trips', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(privateKey);
    expect(raw).toHaveLength(32);
    // the raw key is the tail of the SPKI DER
    expect(raw.equals(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))).toBe(true);
    expect(keyId(raw)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyId(publicKey)).toBe(keyId(raw));
    expect(keyId(privateKey)).toBe(keyId(raw));
    expect(publicKeyFromRaw(raw).equals(publicKey)).toBe(true);
    expect(createPublicKey(publicKeyPem(privateKey)).equals(publicKey)).toBe(true);
  });
});
