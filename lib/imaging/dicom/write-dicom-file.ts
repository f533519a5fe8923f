/**
 * Serialises a rewritten dataset. Untouched elements (pixel data above all) are `raw` nodes that
 * point into the input and are copied byte for byte; only changed values and the sequences that hold
 * them are re-encoded. Rewritten sequences and items use undefined length with delimiters, which is
 * valid in every transfer syntax and avoids recomputing nested lengths.
 */
import { deflateRawSync } from 'node:zlib';
import { ITEM, ITEM_DELIMITER, LONG_LENGTH_VRS, SEQUENCE_DELIMITER, UNDEFINED_LENGTH, type Syntax, type TransferSyntax } from './dicom-syntax';

export type OutNode =
  | { kind: 'raw'; tag: number; buf: Uint8Array; start: number; end: number }
  | { kind: 'value'; tag: number; vr: string; value: Uint8Array }
  | { kind: 'sequence'; tag: number; itemSyntax: Syntax; items: OutNode[][] };

const PAD_NUL = new Set(['UI', 'OB', 'UN']);

/** Text value encoded as latin1 (callers only pass ASCII) and padded to even length per its VR. */
export function encodeText(value: string, vr: string): Uint8Array {
  const b = Buffer.allocUnsafe(value.length + (value.length % 2));
  b.write(value, 0, 'latin1');
  if (value.length % 2 === 1) b[value.length] = PAD_NUL.has(vr) ? 0 : 0x20;
  return b;
}

export function textNode(tag: number, vr: string, value: string): OutNode {
  return { kind: 'value', tag, vr, value: encodeText(value, vr) };
}

/** A piece at least this long goes out as a view of its own (pixel data); shorter ones are copied. */
const VIEW_AT_LEAST = 4096;
const SLAB_BYTES = 16384;

/**
 * The output as a few pieces: element headers, rewritten values and short unchanged elements are
 * copied into one buffer after another, and long unchanged runs (pixel data above all) are views
 * into the input. So a header of a few hundred elements is one or two pieces, not hundreds of small
 * typed arrays, and writev gets few of them.
 */
class ChunkWriter {
  readonly chunks: Uint8Array[] = [];
  size = 0;
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private used = 0;
  /** where the bytes of the slab not yet in `chunks` begin */
  private pending = 0;

  /** Makes room for `n` more bytes in the slab. */
  private room(n: number): void {
    if (this.slab.length - this.used >= n) return;
    this.flush();
    this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, n));
    this.used = 0;
    this.pending = 0;
  }

  private flush(): void {
    if (this.used > this.pending) this.chunks.push(this.slab.subarray(this.pending, this.used));
    this.pending = this.used;
  }

  /** bytes [start, end) of `buf`, copied when short, else as a view */
  bytes(buf: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.size += n;
    if (n >= VIEW_AT_LEAST) {
      this.flush();
      this.chunks.push(buf.subarray(start, end));
      return;
    }
    this.room(n);
    const s = this.slab;
    let o = this.used;
    if (n <= 64) for (let i = start; i < end; i++) s[o++] = buf[i];
    else s.set(buf.subarray(start, end), o);
    this.used += n;
  }

  zeros(n: number): void {
    this.room(n);
    this.slab.fill(0, this.used, this.used + n);
    this.used += n;
    this.size += n;
  }

  u16(v: number, le: boolean): void {
    this.room(2);
    const s = this.slab;
    const o = this.used;
    s[o + (le ? 0 : 1)] = v & 0xff;
    s[o + (le ? 1 : 0)] = (v >>> 8) & 0xff;
    this.used += 2;
    this.size += 2;
  }

  u32(v: number, le: boolean): void {
    if (le) {
      this.u16(v & 0xffff, true);
      this.u16(v >>> 16, true);
    } else {
      this.u16(v >>> 16, false);
      this.u16(v & 0xffff, false);
    }
  }

  header(tag: number, vr: string | null, length: number, syntax: Syntax): void {
    const le = syntax.littleEndian;
    this.u16(tag >>> 16, le);
    this.u16(tag & 0xffff, le);
    if (!syntax.explicitVr || vr === null) {
      this.u32(length, le);
      return;
    }
    this.room(2);
    this.slab[this.used] = vr.charCodeAt(0);
    this.slab[this.used + 1] = vr.charCodeAt(1);
    this.used += 2;
    this.size += 2;
    if (LONG_LENGTH_VRS.has(vr)) {
      this.u16(0, le);
      this.u32(length, le);
    } else this.u16(length, le);
  }

  /** the pieces written, in order */
  parts(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }

  concat(): Uint8Array {
    return Buffer.concat(this.parts(), this.size);
  }
}

function writeNodes(w: ChunkWriter, nodes: readonly OutNode[], syntax: Syntax): void {
  for (const n of nodes) {
    if (n.kind === 'raw') w.bytes(n.buf, n.start, n.end);
    else if (n.kind === 'value') {
      w.header(n.tag, n.vr, n.value.length, syntax);
      w.bytes(n.value, 0, n.value.length);
    } else {
      // items in another syntax than their container are only legal inside UN (PS3.5 6.2.2)
      const sameSyntax = n.itemSyntax.explicitVr === syntax.explicitVr && n.itemSyntax.littleEndian === syntax.littleEndian;
      w.header(n.tag, sameSyntax ? 'SQ' : 'UN', UNDEFINED_LENGTH, syntax);
      for (const item of n.items) {
        w.header(ITEM, null, UNDEFINED_LENGTH, n.itemSyntax);
        writeNodes(w, item, n.itemSyntax);
        w.header(ITEM_DELIMITER, null, 0, n.itemSyntax);
      }
      w.header(SEQUENCE_DELIMITER, null, 0, n.itemSyntax);
    }
  }
}

export function serialiseDataset(nodes: readonly OutNode[], syntax: Syntax): Uint8Array {
  const w = new ChunkWriter();
  writeNodes(w, nodes, syntax);
  return w.concat();
}

const META_SYNTAX: Syntax = { explicitVr: true, littleEndian: true };

/**
 * Preamble, "DICM", file meta (explicit VR LE, group length computed) and the dataset, as the
 * pieces of the file in order: long unchanged elements (pixel data above all) are views into the
 * input, so a caller that writes them out with writev never copies them.
 */
export function dicomFileParts(meta: readonly OutNode[], body: readonly OutNode[], ts: TransferSyntax): Uint8Array[] {
  const metaBytes = serialiseDataset(meta, META_SYNTAX);
  const w = new ChunkWriter();
  w.zeros(128);
  w.bytes(DICM, 0, 4);
  w.header(0x00020000, 'UL', 4, META_SYNTAX);
  w.u32(metaBytes.length, true);
  w.bytes(metaBytes, 0, metaBytes.length);
  // deflated input stays deflated: the dataset is re-compressed, its element bytes are unchanged
  if (ts.deflated) return [...w.parts(), deflateRawSync(serialiseDataset(body, ts))];
  writeNodes(w, body, ts);
  return w.parts();
}

const DICM = new Uint8Array([0x44, 0x49, 0x43, 0x4d]);

/** The whole file in one buffer (dicomFileParts, copied once). */
export function writeDicomFile(meta: readonly OutNode[], body: readonly OutNode[], ts: TransferSyntax): Uint8Array {
  return Buffer.concat(dicomFileParts(meta, body, ts));
}
