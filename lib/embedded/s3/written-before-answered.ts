import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** the part of s3rver 3.7.1's FilesystemStore whose writes are replaced here */
export interface WritingStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; metadata: Record<string, string>; content: Buffer | Readable }): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ size: number; md5: string }>;
}

/** writes `content` to `path`, resolving once the file holds every byte (not when the last byte was hashed) */
async function writeHashed(path: string, content: Buffer | Readable): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  const md5 = createHash('md5');
  if (Buffer.isBuffer(content)) {
    md5.update(content);
    await writeFile(path, content);
    return { size: content.length, md5: md5.digest('hex') };
  }
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(content, hashing, createWriteStream(path));
  return { size, md5: md5.digest('hex') };
}

/**
 * s3rver 3.7.1 answers a PUT (and an UploadPart) once the body has passed its hashing stream, not
 * once the file stream has written it: a read just after (the version snapshot taken right after
 * a PUT, a GET by version id, the parts read by CompleteMultipartUpload) could see an empty or
 * short file. A CI run saw it: a de-identify step read an object the store had answered for and
 * got 0 bytes (SHA-256 e3b0c442…, of nothing). These replacements answer once the file is written,
 * on the store s3rver made, with its own file layout and metadata.
 */
export function writeBeforeAnswering(store: WritingStore): void {
  store.putObject = async (object) => {
    const written = await writeHashed(store.getResourcePath(object.bucket, object.key, 'object'), object.content);
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const path = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, partNumber.toString());
    const written = await writeHashed(path, content);
    await writeFile(`${path}.md5`, written.md5);
    return written;
  };
}
