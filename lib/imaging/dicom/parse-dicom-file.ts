/**
 * Part 10 file (preamble, "DICM", file meta group) or raw dataset (no preamble, as written by some
 * older tools) → walked elements. Deflated datasets are inflated with a size cap first.
 */
import { inflateRawSync } from 'node:zlib';
import { AppError } from '@/lib/errors';
import { KNOWN_VRS, TS, transferSyntaxFor, type TransferSyntax } from './dicom-syntax';
import { findElement, rawString } from './element-values';
import { DEFAULT_LIMITS, createWalkContext, fail, walkElements, type DicomElement, type DicomLimits } from './parse-dataset';

export interface ParsedDicom {
  fileName: string;
  /** false for raw datasets without preamble and file meta */
  hasFileMeta: boolean;
  meta: DicomElement[];
  /** bytes the meta element offsets refer to (the input) */
  metaBuf: Uint8Array;
  transferSyntax: TransferSyntax;
  /** bytes the dataset element offsets refer to: a view of the input, or the inflated dataset */
  body: Uint8Array;
  elements: DicomElement[];
  /** set when parsing stopped at the top-level Pixel Data element */
  pixelDataStart?: number;
}

export interface ParseOptions {
  stopAtPixelData?: boolean;
  limits?: Partial<DicomLimits>;
  /**
   * the whole file's size when `bytes` is only its first part (a header read of a stored object):
   * with stopAtPixelData, a pixel data value that runs past `bytes` but not past the file is whole
   */
  fileSize?: number;
}

const META = 0x0002;

function hasMarker(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Raw datasets start with a low, even group such as (0008,0005); anything else is not DICOM. */
function plausibleFirstGroup(group: number): boolean {
  return group >= 0x0002 && group <= 0x0020 && group % 2 === 0;
}

function guessRawSyntax(bytes: Uint8Array, fileName: string): TransferSyntax {
  const notDicom = (): never => {
    throw new AppError('malformed_file', `${fileName}: not a DICOM file (no "DICM" marker at byte 128 and no dataset at byte 0)`, {
      file: fileName,
    });
  };
  if (bytes.length < 8) notDicom();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const explicit = KNOWN_VRS.has(String.fromCharCode(bytes[4], bytes[5]));
  if (plausibleFirstGroup(view.getUint16(0, true))) return transferSyntaxFor(explicit ? TS.explicitLE : TS.implicitLE);
  if (explicit && plausibleFirstGroup(view.getUint16(0, false))) return transferSyntaxFor(TS.explicitBE);
  return notDicom();
}

export function parseDicomFile(bytes: Uint8Array, fileName: string, options: ParseOptions = {}): ParsedDicom {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (bytes.length > limits.maxDecodedBytes) {
    throw new AppError('too_large', `${fileName}: ${bytes.length} bytes is over the ${limits.maxDecodedBytes}-byte limit`, { file: fileName });
  }
  const stop = options.stopAtPixelData ?? false;
  const metaCtx = createWalkContext(bytes, fileName, limits, false, bytes.length);

  let metaStart: number;
  let meta: DicomElement[] = [];
  let transferSyntax: TransferSyntax;
  let bodyStart: number;
  if (hasMarker(bytes)) {
    metaStart = 132;
  } else {
    const raw = guessRawSyntax(bytes, fileName);
    // a file meta group without preamble is read like one with; anything else is a raw dataset
    if (raw.explicitVr && raw.littleEndian && bytes[0] === META && bytes[1] === 0) metaStart = 0;
    else metaStart = -1;
    transferSyntax = raw;
    bodyStart = 0;
  }

  if (metaStart >= 0) {
    const v = metaCtx.view;
    // (0002,0000) UL 4 is Type 1 and the only way to know where the meta group ends
    if (bytes.length < metaStart + 12 || v.getUint32(metaStart, true) !== 0x00000002 || bytes[metaStart + 4] !== 0x55 || bytes[metaStart + 5] !== 0x4c) {
      fail(metaCtx, metaStart, 'file meta information does not start with its group length (0002,0000)');
    }
    const groupLength = v.getUint32(metaStart + 8, true);
    const metaEnd = metaStart + 12 + groupLength;
    if (metaEnd > bytes.length) fail(metaCtx, metaStart, `file meta group length ${groupLength} exceeds the file`);
    meta = walkElements(metaCtx, metaStart, metaEnd, { explicitVr: true, littleEndian: true }, 0, false).elements;
    const stray = meta.find((el) => el.tag >>> 16 !== META);
    if (stray) fail(metaCtx, stray.start, 'file meta group length covers elements outside group 0002');
    const ts = findElement(meta, 0x00020010);
    const uid = ts ? rawString(bytes, ts).trim() : '';
    if (!uid) fail(metaCtx, metaStart, 'file meta information has no Transfer Syntax UID (0002,0010)');
    if (!/^[0-9.]{1,64}$/.test(uid)) fail(metaCtx, ts!.start, `Transfer Syntax UID "${uid.slice(0, 64)}" is not a UID`);
    transferSyntax = transferSyntaxFor(uid);
    bodyStart = metaEnd;
  }

  let body = bytes.subarray(bodyStart!);
  if (transferSyntax!.deflated) body = inflateDataset(body, fileName, limits.maxDecodedBytes);

  // a deflated dataset's end is where inflating stopped, not a byte of the file
  const fileSize = Math.max(options.fileSize ?? bytes.length, bytes.length);
  const ctx = createWalkContext(
    body,
    fileName,
    limits,
    stop,
    transferSyntax!.deflated ? undefined : fileSize,
    transferSyntax!.deflated ? undefined : fileSize - bodyStart!,
  );
  const { elements } = walkElements(ctx, 0, body.length, transferSyntax!, 0, false);
  return {
    fileName,
    hasFileMeta: metaStart >= 0,
    meta,
    metaBuf: bytes,
    transferSyntax: transferSyntax!,
    body,
    elements,
    pixelDataStart: ctx.pixelDataStart,
  };
}

function inflateDataset(deflated: Uint8Array, fileName: string, maxBytes: number): Uint8Array {
  try {
    return inflateRawSync(deflated, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new AppError('too_large', `${fileName}: deflated dataset inflates to more than ${maxBytes} bytes`, { file: fileName });
    }
    throw new AppError('malformed_file', `${fileName}: deflated dataset is corrupt (${code ?? 'inflate failed'})`, { file: fileName });
  }
}
