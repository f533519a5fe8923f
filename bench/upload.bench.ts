/**
 * Browser multipart upload throughput: the real client engine (UploadEngine, sendFile, xhrPut,
 * part checksums, hashing) bundled with esbuild and run in Debian's Chromium, uploading 64 MiB in
 * 8 MiB parts to an s3rver started here, against Node's PutObject of the same bytes to the same
 * server, measured in the same run. The segflow API is replaced by functions the page calls into
 * Node (presign, create/complete multipart): the data path is the browser → S3 one being measured.
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from '../lib/embedded/s3-server';
import { partLayout } from '../lib/uploads/limits';
import { freePort } from '../test/free-port';
import type { BenchLine } from './harness';

const SIZE = 64 * 1024 * 1024;

const PAGE_ENTRY = `
import { UploadEngine } from './lib/uploads/client/upload-engine';
import { xhrPut } from './lib/uploads/client/put-bytes';
window.runUpload = async (size) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) & 255;
  bytes.set([0x5c, 0x01, 0, 0], 0); // sizeof_hdr 348: sniffs as NIfTI
  const file = new File([bytes], 'bench.nii');
  const b = window;
  const api = {
    createUpload: async () => ({ id: 'u', studyId: 's', studyLabel: 'S', projectId: 'p' }),
    getUpload: async () => { throw new Error('none'); },
    registerFile: (u, f) => b.nodeRegister(f.size),
    sign: (u, f, part) => b.nodeSign(part ? part.partNumber : 0),
    parts: async () => ({ supported: false, parts: [] }),
    completeFile: (u, f, parts) => b.nodeComplete(parts),
    abortFile: async () => ({}),
    finish: async () => ({ study: 's', label: 'S', series: [], volumes: [], rejected: [] }),
  };
  const engine = new UploadEngine({ api, project: 'bench', putBytes: xhrPut });
  engine.add([{ name: file.name, size: file.size, lastModified: 1, blob: file, slice: async (s, e) => new Uint8Array(await file.slice(s, e).arrayBuffer()) }]);
  const t0 = performance.now();
  await engine.run();
  return performance.now() - t0;
};
`;

export async function run(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-'));
  const s3 = await startEmbeddedS3({ dir, port: await freePort(), bucket: 'bench', corsOrigins: ['*'] });
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: EMBEDDED_S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const bundle = await build({ stdin: { contents: PAGE_ENTRY, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, write: false, format: 'iife', platform: 'browser', alias: { '@': process.cwd() } });
  const html = `<!doctype html><script>${bundle.outputFiles[0].text}</script>`;
  const http = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  const port = await freePort();
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] });
  try {
    const page = await browser.newPage();
    let key = '';
    let uploadId = '';
    await page.exposeFunction('nodeRegister', async (size: number) => {
      key = `raw-phi/bench/${Date.now()}`;
      uploadId = (await client.send(new CreateMultipartUploadCommand({ Bucket: 'bench', Key: key }))).UploadId!;
      const l = partLayout(size);
      return { id: 'f', index: 0, name: 'bench.nii', size, sha256: '', status: 'pending', error: null, multipart: true, partSize: l.partSize, partCount: l.partCount };
    });
    await page.exposeFunction('nodeSign', async (n: number) => ({
      url: await getSignedUrl(client, new UploadPartCommand({ Bucket: 'bench', Key: key, UploadId: uploadId, PartNumber: n }), { expiresIn: 300 }),
      method: 'PUT', headers: {}, partNumber: n, contentLength: 0, expiresAt: '',
    }));
    await page.exposeFunction('nodeComplete', async (parts: { partNumber: number; etag: string }[]) => {
      await client.send(new CompleteMultipartUploadCommand({ Bucket: 'bench', Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) } }));
      return { id: 'f', status: 'verified', error: null };
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    const browserMs: number[] = [];
    for (let i = 0; i < 3; i++) browserMs.push(await page.evaluate((size) => (window as unknown as { runUpload: (n: number) => Promise<number> }).runUpload(size), SIZE));
    const body = new Uint8Array(SIZE);
    const nodeMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await client.send(new PutObjectCommand({ Bucket: 'bench', Key: `node/${i}`, Body: body }));
      nodeMs.push(performance.now() - t0);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    const mibs = (ms: number) => SIZE / 1024 / 1024 / (ms / 1000);
    const browserRate = mibs(median(browserMs));
    const nodeRate = mibs(median(nodeMs));
    return [{ name: 'upload: browser multipart (engine in Chromium, 64 MiB, 8 MiB parts, hash included)', value: browserRate, unit: 'MiB/s', ratios: [{ against: 'Node PutObject, same bytes, same s3rver', ratio: browserRate / nodeRate, target: '>= 0.8' }] }];
  } finally {
    await browser.close();
    http.close();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
