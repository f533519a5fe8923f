/**
 * Pixel data of one frame → raw little-endian sample bytes, whatever the transfer syntax.
 * Compressed syntaxes (JPEG lossless/baseline/extended, JPEG-LS, JPEG 2000, HTJ2K, RLE) are decoded
 * by @cornerstonejs/dicom-codec (WASM builds of libjpeg-turbo, CharLS, OpenJPEG, OpenJPH).
 */
import { createRequire } from 'node:module';
import { AppError } from '../../errors';

export interface FrameInfo {
  rows: number;
  columns: number;
  bitsAllocated: number;
  samplesPerPixel: number;
  signed: boolean;
}

interface DicomCodec {
  hasCodec(ts: string): boolean;
  decode(frame: Uint8Array, info: FrameInfo, ts: string): Promise<{ imageFrame: ArrayBufferView }>;
}

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99']);
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

let codec: DicomCodec | undefined;
function loadCodec(): DicomCodec {
  // Lazy: the WASM decoders are only loaded when a compressed series is actually met.
  codec ??= createRequire(import.meta.url)('@cornerstonejs/dicom-codec') as DicomCodec;
  return codec;
}

export function isCompressedSyntax(ts: string): boolean {
  return !UNCOMPRESSED.has(ts) && ts !== BIG_ENDIAN;
}

export async function decodeFrame(frame: Uint8Array, info: FrameInfo, transferSyntax: string, fileName: string): Promise<Uint8Array> {
  const expected = info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8);
  let bytes: Uint8Array;
  if (UNCOMPRESSED.has(transferSyntax) || transferSyntax === BIG_ENDIAN) {
    // dcmjs has already byte-swapped big-endian OW pixel data to host order while reading.
    bytes = frame;
  } else {
    const c = loadCodec();
    if (!c.hasCodec(transferSyntax)) {
      throw new AppError('unsupported', `${fileName}: transfer syntax ${transferSyntax} cannot be decoded`, { file: fileName });
    }
    try {
      const out = await withQuietConsole(() => c.decode(frame, info, transferSyntax));
      const v = out.imageFrame;
      bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    } catch {
      // the codec's message describes the codec (and may be empty): the user gets the file's problem
      throw new AppError(
        'malformed_file',
        `${fileName}: its compressed pixel data (transfer syntax ${transferSyntax}) could not be decoded: the frame is damaged or incomplete`,
        { file: fileName },
      );
    }
  }
  if (bytes.byteLength < expected) {
    throw new AppError('malformed_file', `${fileName}: pixel data is ${bytes.byteLength} bytes, expected ${expected} (truncated?)`, {
      file: fileName,
    });
  }
  return bytes.subarray(0, expected);
}

/**
 * OpenJPEG's WASM build prints "[INFO] ..." progress and "[ERROR] ..."/"[WARNING] ..." lines on
 * stdout, which would corrupt CLI output; a failure is reported as the file's problem instead.
 */
async function withQuietConsole<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /^\[(INFO|WARNING|ERROR)\]/.test(args[0])) return;
    original(...args);
  };
  try {
    return await fn();
  } finally {
    console.log = original;
  }
}
