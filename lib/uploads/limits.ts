/**
 * Upload limits, shared by the server and the client engine (isomorphic: no Node imports).
 * Parts are 8 MiB (S3's minimum is 5 MiB; 8 MiB keeps a lost part cheap to resend and gives
 * 512 parts for the largest file, far below S3's 10,000).
 */
export const MiB = 1024 * 1024;
export const PART_SIZE = 8 * MiB;
/** files above this go in parts; at or below it, one presigned PUT */
export const MULTIPART_THRESHOLD = 16 * MiB;
/** the largest file one upload accepts */
export const MAX_FILE_BYTES = 4 * 1024 * MiB;
/** parts in flight per upload: enough to fill a link, few enough not to starve the API */
export const PARTS_IN_FLIGHT = 4;
/** at most this many files in one batch request (register, complete): one transaction, one audit event */
export const MAX_BATCH_FILES = 100;
/**
 * files a client has under way at a time — declared, sent, completed — so that declarations and
 * completions go in few batches; their reads share HASHES_IN_FLIGHT and their PUTs PARTS_IN_FLIGHT
 */
export const FILES_IN_FLIGHT = 64;
/** files read and hashed at a time: a pass holds up to WHOLE_FILE_DIGEST_MAX (128 MiB) of one file */
export const HASHES_IN_FLIGHT = 4;
/** how long a client collects declarations or completions before sending them as one batch */
export const BATCH_WINDOW_MS = 10;
/** presigned URLs live at most 15 minutes; each part is signed just before it is sent */
export const MAX_URL_TTL_S = 900;

export interface PartLayout {
  multipart: boolean;
  partSize: number;
  partCount: number;
}

export function partLayout(size: number): PartLayout {
  if (size <= MULTIPART_THRESHOLD) return { multipart: false, partSize: size, partCount: 1 };
  return { multipart: true, partSize: PART_SIZE, partCount: Math.ceil(size / PART_SIZE) };
}

/** the byte length of part `n` (1-based) of a file of `size` bytes */
export function partLength(size: number, layout: PartLayout, n: number): number {
  if (!layout.multipart) return size;
  return n < layout.partCount ? layout.partSize : size - layout.partSize * (layout.partCount - 1);
}
