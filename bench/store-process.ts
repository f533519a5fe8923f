/**
 * The embedded store in a process of its own, as `segflow start` runs it beside the app (and as S3
 * is apart from the app anywhere else): `node --import tsx bench/store-process.ts '{"dir":…,"port":…,"bucket":…}'`
 * prints `{ "endpoint": … }` once it listens, and closes on SIGTERM. For bench/bench-store.ts.
 */
import { startEmbeddedS3 } from '../lib/embedded/s3-server';

const { dir, port, bucket } = JSON.parse(process.argv[2] ?? '{}') as { dir: string; port: number; bucket: string };
const s3 = await startEmbeddedS3({ dir, port, bucket, corsOrigins: ['*'] });
process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint })}\n`);
process.on('SIGTERM', () => {
  void s3.close().then(() => process.exit(0));
});
