/**
 * Browser multipart upload throughput: the real client engine (UploadEngine, sendFile, xhrPut, and
 * the upload page's hasher: one pass makes the whole-file SHA-256 and each part's CRC32) bundled
 * with esbuild and run in Debian's Chromium, uploading 64 MiB in 8 MiB parts to an s3rver (with
 * segflow's store guard) started here, against Node's PutObject of the same bytes to the same server (and, as a
 * second baseline, PutObject after hashing the bytes, since the page must hash), measured in the
 * same run, interleaved round by round so load on the machine hits both alike. The segflow API is
 * replaced by functions the page calls into Node (presign with the part checksum, create/complete
 * multipart): the data path is the browser → S3 one being measured.
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from '../lib/embedded/s3-server';
import { partLayout } from '../lib/uploads/limits';
import { freePort } from '../test/free-port';
import type { BenchLine } from './harness';

const SIZE = 64 * 1024 * 1024;
const ROUNDS = 5;

const PAGE_ENTRY = `
import { UploadEngine } from './lib/uploads/client/upload-engine';
import { xhrPut } from './lib/uploads/client/put-bytes';
import { blobSource } from './lib/uploads/client/upload-source';
import { workerHasher } from './components/upload/worker-hasher';
window.runUpload = async (size) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) & 255;
  bytes.set([0x5c, 0x01, 0, 0], 0); // sizeof_hdr 348: sniffs as NIfTI
  const file = new File([bytes], 'bench.nii');
  // fixture, not upload: Chromium moves a new in-memory File into its blob store before it can be
  // read (a picked file is on disk and readable at once), so the clock starts once it is readable
  await file.slice(0, 1).arrayBuffer();
  const b = window;
  const api = {
    createUpload: async () => ({ id: 'u', studyId: 's', studyLabel: 'S', projectId: 'p' }),
    getUpload: async () => { throw new Error('none'); },
    registerFile: (u, f) => b.nodeRegister(f.size),
    // one multipart file: declared in a batch of one, signed part by part, completed on its own
    registerFiles: async (u, files) => Promise.all(files.map(async (f) => ({ file: await b.nodeRegister(f.size), signed: null }))),
    completeFiles: async () => { throw new Error('a multipart file completes with its parts'); },
    sign: (u, f, part) => b.nodeSign(part ? part.partNumber : 0, part ? part.partCrc32 : undefined),
    parts: async () => ({ supported: false, parts: [] }),
    completeFile: (u, f, parts) => b.nodeComplete(parts),
    abortFile: async () => ({}),
    finish: async () => ({ study: 's', label: 'S', series: [], volumes: [], rejected: [] }),
  };
  // as the upload page builds it (components/upload/upload-panel.tsx), less the resume store
  const engine = new UploadEngine({ api, project: 'bench', putBytes: xhrPut, hasher: workerHasher });
  engine.add([blobSource(file, file.name, 1)]);
  const t0 = performance.now();
  await engine.run();
  return performance.now() - t0;
};
`;

export async function run(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-'));
  const s3 = await startEmbeddedS3({ dir, port: await freePort(), bucket: 'bench', corsOrigins: ['*'] });
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: EMBEDDED_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // ESM, so workerHasher's new URL('./hash-worker.ts', import.meta.url) names /hash-worker.ts, served below
  const bundle = await build({
    stdin: { contents: PAGE_ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    alias: { '@': process.cwd() },
  });
  const worker = await build({
    entryPoints: [join(process.cwd(), 'components/upload/hash-worker.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    alias: { '@': process.cwd() },
  });
  const html = `<!doctype html><script type="module">${bundle.outputFiles[0].text}</script>`;
  const http = createServer((req, res) => {
    if (req.url === '/hash-worker.ts') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(worker.outputFiles[0].text);
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  const port = await freePort();
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic'],
  });
  try {
    const page = await browser.newPage();
    let key = '';
    let uploadId = '';
    await page.exposeFunction('nodeRegister', async (size: number) => {
      key = `raw-phi/bench/${Date.now()}`;
      uploadId = (await client.send(new CreateMultipartUploadCommand({ Bucket: 'bench', Key: key, ChecksumAlgorithm: 'CRC32' }))).UploadId!;
      const l = partLayout(size);
      return {
        id: 'f',
        index: 0,
        name: 'bench.nii',
        size,
        sha256: '',
        status: 'pending',
        error: null,
        multipart: true,
        partSize: l.partSize,
        partCount: l.partCount,
      };
    });
    // as lib/uploads/presign-file-part.ts signs a part: its CRC32 is a signed header the store checks
    const bound = new Set(['x-amz-checksum-crc32']);
    await page.exposeFunction('nodeSign', async (n: number, crc?: string) => ({
      url: await getSignedUrl(client, new UploadPartCommand({ Bucket: 'bench', Key: key, UploadId: uploadId, PartNumber: n, ChecksumCRC32: crc }), {
        expiresIn: 300,
        unhoistableHeaders: bound,
        signableHeaders: bound,
      }),
      method: 'PUT',
      headers: crc ? { 'x-amz-checksum-crc32': crc } : {},
      partNumber: n,
      contentLength: 0,
      expiresAt: '',
    }));
    await page.exposeFunction('nodeComplete', async (parts: { partNumber: number; etag: string; checksumCrc32?: string }[]) => {
      if (parts.some((p) => !p.checksumCrc32)) throw new Error('a part was sent without its CRC32');
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'bench',
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ChecksumCRC32: p.checksumCrc32 })) },
        }),
      );
      return { id: 'f', status: 'verified', error: null };
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    const body = new Uint8Array(SIZE);
    const browserMs: number[] = [];
    const nodeMs: number[] = [];
    const nodeHashMs: number[] = [];
    const runBrowser = () => page.evaluate((size) => (window as unknown as { runUpload: (n: number) => Promise<number> }).runUpload(size), SIZE);
    const runNode = async (i: number, hash: boolean) => {
      const t0 = performance.now();
      const checksum = hash ? createHash('sha256').update(body).digest('base64') : undefined;
      await client.send(new PutObjectCommand({ Bucket: 'bench', Key: `node/${i}`, Body: body, ChecksumSHA256: checksum }));
      return performance.now() - t0;
    };
    await runBrowser(); // warm-up: bundle compiled, worker and wasm loaded
    await runNode(-1, false);
    for (let i = 0; i < ROUNDS; i++) {
      browserMs.push(await runBrowser());
      nodeMs.push(await runNode(i, false));
      nodeHashMs.push(await runNode(i, true));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const mibs = (ms: number) => SIZE / 1024 / 1024 / (ms / 1000);
    const browserRate = mibs(median(browserMs));
    return [
      {
        name: 'upload: browser multipart (engine in Chromium, 64 MiB, 8 MiB parts, hash included)',
        value: browserRate,
        unit: 'MiB/s',
        ratios: [
          { against: 'Node PutObject, same bytes, same s3rver', ratio: browserRate / mibs(median(nodeMs)), target: '>= 0.8' },
          { against: 'Node sha256 + PutObject', ratio: browserRate / mibs(median(nodeHashMs)) },
        ],
      },
    ];
  } finally {
    await browser.close();
    http.close();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
