/**
 * A bounds-checked walker over DICOM dataset bytes. It records where each element lies (no value
 * decoding, no copies), so a de-identifier can rewrite the header and copy everything else,
 * pixel data included, byte for byte. Every length is checked against the bytes that remain in its
 * container, nesting is limited, and every loop advances, so hostile input ends in an AppError.
 */
import { AppError } from '@/lib/errors';
import {
  ITEM,
  ITEM_DELIMITER,
  KNOWN_VRS,
  LONG_LENGTH_VRS,
  PIXEL_DATA,
  SEQUENCE_DELIMITER,
  UNDEFINED_LENGTH,
  dictionaryVr,
  tagKeyword,
  tagString,
  type Syntax,
} from './dicom-syntax';

export interface DicomLimits {
  /** deepest sequence nesting accepted (real objects rarely pass 6; SR trees can reach ~10) */
  maxDepth: number;
  /** largest file, and largest inflated dataset for deflated input */
  maxDecodedBytes: number;
  /** most elements in one file, to bound the work hostile input can cause */
  maxElements: number;
}

export const DEFAULT_LIMITS: DicomLimits = { maxDepth: 16, maxDecodedBytes: 1 << 30, maxElements: 1_000_000 };

export interface DicomItem {
  start: number;
  end: number;
  elements: DicomElement[];
}

export interface DicomElement {
  tag: number;
  vr: string;
  /** offset of the element's tag */
  start: number;
  valueStart: number;
  /** value length as encoded; UNDEFINED_LENGTH for delimited sequences and encapsulated pixel data */
  length: number;
  /** offset just after the element (after its delimiter when delimited) */
  end: number;
  /** sequence items (SQ, or UN / private with undefined length, which hold implicit VR LE items) */
  items?: DicomItem[];
  itemSyntax?: Syntax;
  /** encapsulated pixel data: number of fragments, including the basic offset table */
  fragments?: number;
}

export interface WalkContext {
  buf: Uint8Array;
  view: DataView;
  fileName: string;
  limits: DicomLimits;
  elementCount: number;
  /** stop at top-level (7FE0,0010): header-only reads never touch pixel bytes */
  stopAtPixelData: boolean;
  pixelDataStart?: number;
  /** the file's size when the data ends where the file does (not a deflated dataset): where a cut-off file stops */
  fileSize?: number;
  /**
   * where the data really ends, in `buf`'s offsets, when `buf` holds only the first part of the file
   * (a header read of a large object): pixel data may run past `buf` up to here
   */
  dataEnd?: number;
}

export function createWalkContext(
  buf: Uint8Array,
  fileName: string,
  limits: DicomLimits,
  stopAtPixelData: boolean,
  fileSize?: number,
  dataEnd?: number,
): WalkContext {
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), fileName, limits, elementCount: 0, stopAtPixelData, fileSize, dataEnd };
}

export function fail(ctx: WalkContext, offset: number, problem: string): never {
  throw new AppError('malformed_file', `${ctx.fileName}: ${problem} (at byte ${offset})`, { file: ctx.fileName, offset });
}

/**
 * An element runs past `end`. When `end` is the end of the file, the file was simply cut off (a
 * partial copy or download): say so in plain words, naming the element for experts; otherwise a
 * length field is wrong, and `problem` says which.
 */
function pastEnd(ctx: WalkContext, pos: number, end: number, tag: number, problem: string): never {
  if (end !== (ctx.dataEnd ?? ctx.buf.length)) fail(ctx, pos, problem);
  const keyword = tagKeyword(tag);
  const where = ctx.fileSize === undefined ? 'its dataset is cut off' : `it is cut off at byte ${ctx.fileSize}`;
  throw new AppError(
    'malformed_file',
    `${ctx.fileName}: the file ends early — ${where}, inside ${tagString(tag)}${keyword ? ` ${keyword}` : ''}; use the complete file`,
    { file: ctx.fileName, offset: pos },
  );
}

function readTag(ctx: WalkContext, pos: number, le: boolean): number {
  return ((ctx.view.getUint16(pos, le) << 16) | ctx.view.getUint16(pos + 2, le)) >>> 0;
}

/**
 * Elements from `pos` up to `end`. In an undefined-length item (`delimited`), stops after the item
 * delimiter and fails if none comes before `end`.
 */
export function walkElements(
  ctx: WalkContext,
  pos: number,
  end: number,
  syntax: Syntax,
  depth: number,
  delimited: boolean,
): { elements: DicomElement[]; end: number } {
  const le = syntax.littleEndian;
  const elements: DicomElement[] = [];
  while (pos < end) {
    if (end - pos < 4) fail(ctx, pos, `truncated element header (${end - pos} bytes left)`);
    const tag = readTag(ctx, pos, le);
    if (end - pos < 8) pastEnd(ctx, pos, end, tag, `truncated element header (${end - pos} bytes left)`);
    if (tag === ITEM_DELIMITER) {
      if (!delimited) fail(ctx, pos, 'item delimiter (FFFE,E00D) outside an undefined-length item');
      return { elements, end: pos + 8 };
    }
    if (tag >>> 16 === 0xfffe) fail(ctx, pos, `unexpected ${tagString(tag)} among data elements`);
    if (++ctx.elementCount > ctx.limits.maxElements) {
      throw new AppError('too_large', `${ctx.fileName}: more than ${ctx.limits.maxElements} data elements`, { file: ctx.fileName });
    }

    let vr: string;
    let length: number;
    let valueStart: number;
    if (syntax.explicitVr) {
      vr = String.fromCharCode(ctx.buf[pos + 4], ctx.buf[pos + 5]);
      if (!KNOWN_VRS.has(vr)) fail(ctx, pos, `invalid VR "${vr.replace(/[^\x20-\x7e]/g, '?')}" for ${tagString(tag)}`);
      if (LONG_LENGTH_VRS.has(vr)) {
        if (end - pos < 12) pastEnd(ctx, pos, end, tag, `truncated header of ${tagString(tag)}`);
        length = ctx.view.getUint32(pos + 8, le);
        valueStart = pos + 12;
      } else {
        length = ctx.view.getUint16(pos + 6, le);
        valueStart = pos + 8;
      }
    } else {
      vr = dictionaryVr(tag);
      length = ctx.view.getUint32(pos + 4, le);
      valueStart = pos + 8;
    }

    const el: DicomElement = { tag, vr, start: pos, valueStart, length, end: valueStart };
    if (tag === PIXEL_DATA && depth === 0 && ctx.stopAtPixelData) {
      // a header read of a large file holds only its first part: the value may go on past it
      const dataEnd = end === ctx.buf.length && ctx.dataEnd !== undefined ? ctx.dataEnd : end;
      if (length !== UNDEFINED_LENGTH && length > dataEnd - valueStart) {
        pastEnd(ctx, pos, dataEnd, tag, `${tagString(tag)} value length ${length} exceeds the ${dataEnd - valueStart} bytes left`);
      }
      ctx.pixelDataStart = pos;
      elements.push(el);
      return { elements, end: pos };
    }

    if (length === UNDEFINED_LENGTH && tag === PIXEL_DATA) {
      const r = walkFragments(ctx, valueStart, end, le);
      el.fragments = r.count;
      el.end = r.end;
    } else if (vr === 'SQ' || (length === UNDEFINED_LENGTH && vr === 'UN')) {
      if (depth + 1 > ctx.limits.maxDepth) fail(ctx, pos, `sequences nested deeper than ${ctx.limits.maxDepth}`);
      // PS3.5 6.2.2: a UN (or unknown implicit) element of undefined length holds implicit VR LE items
      const itemSyntax: Syntax = vr === 'SQ' ? syntax : { explicitVr: false, littleEndian: true };
      const seqEnd = length === UNDEFINED_LENGTH ? end : valueStart + length;
      if (seqEnd > end) pastEnd(ctx, pos, end, tag, `${tagString(tag)} sequence length ${length} exceeds the ${end - valueStart} bytes left`);
      const r = walkItems(ctx, valueStart, seqEnd, itemSyntax, depth + 1, length === UNDEFINED_LENGTH);
      el.vr = 'SQ';
      el.items = r.items;
      el.itemSyntax = itemSyntax;
      el.end = r.end;
    } else if (length === UNDEFINED_LENGTH) {
      fail(ctx, pos, `undefined length on ${tagString(tag)} with VR ${vr}, which is not a sequence`);
    } else {
      if (length > end - valueStart) {
        pastEnd(ctx, pos, end, tag, `${tagString(tag)} value length ${length} exceeds the ${end - valueStart} bytes left`);
      }
      el.end = valueStart + length;
    }
    elements.push(el);
    pos = el.end;
  }
  if (delimited) fail(ctx, pos, 'undefined-length item has no item delimiter before its container ends');
  return { elements, end: pos };
}

function walkItems(ctx: WalkContext, pos: number, end: number, syntax: Syntax, depth: number, delimited: boolean): { items: DicomItem[]; end: number } {
  const le = syntax.littleEndian;
  const items: DicomItem[] = [];
  while (pos < end) {
    if (end - pos < 8) fail(ctx, pos, `truncated item header (${end - pos} bytes left)`);
    const tag = readTag(ctx, pos, le);
    const length = ctx.view.getUint32(pos + 4, le);
    if (tag === SEQUENCE_DELIMITER) {
      if (!delimited) fail(ctx, pos, 'sequence delimiter (FFFE,E0DD) inside a defined-length sequence');
      return { items, end: pos + 8 };
    }
    if (tag !== ITEM) fail(ctx, pos, `expected an item (FFFE,E000) in a sequence, found ${tagString(tag)}`);
    if (length === UNDEFINED_LENGTH) {
      const r = walkElements(ctx, pos + 8, end, syntax, depth, true);
      items.push({ start: pos, end: r.end, elements: r.elements });
      pos = r.end;
    } else {
      if (length > end - pos - 8) fail(ctx, pos, `item length ${length} exceeds the ${end - pos - 8} bytes left`);
      const r = walkElements(ctx, pos + 8, pos + 8 + length, syntax, depth, false);
      items.push({ start: pos, end: pos + 8 + length, elements: r.elements });
      pos = pos + 8 + length;
    }
  }
  if (delimited) fail(ctx, pos, 'undefined-length sequence has no sequence delimiter before its container ends');
  return { items, end: pos };
}

/** Encapsulated pixel data: defined-length fragments up to the sequence delimiter (PS3.5 A.4). */
function walkFragments(ctx: WalkContext, pos: number, end: number, le: boolean): { count: number; end: number } {
  let count = 0;
  while (pos < end) {
    if (end - pos < 8) fail(ctx, pos, `truncated pixel data fragment header (${end - pos} bytes left)`);
    const tag = readTag(ctx, pos, le);
    const length = ctx.view.getUint32(pos + 4, le);
    if (tag === SEQUENCE_DELIMITER) return { count, end: pos + 8 };
    if (tag !== ITEM) fail(ctx, pos, `expected a pixel data fragment (FFFE,E000), found ${tagString(tag)}`);
    if (length === UNDEFINED_LENGTH || length > end - pos - 8) {
      fail(ctx, pos, `pixel data fragment length ${length} exceeds the ${end - pos - 8} bytes left`);
    }
    count++;
    pos += 8 + length;
  }
  fail(ctx, pos, 'encapsulated pixel data has no sequence delimiter before the end of the file');
}
