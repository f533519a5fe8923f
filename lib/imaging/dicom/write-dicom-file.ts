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
  const odd = value.length % 2 === 1;
  const b = Buffer.alloc(value.length + (odd ? 1 : 0), PAD_NUL.has(vr) ? 0 : 0x20);
  b.write(value, 0, 'latin1');
  return b;
}

export function textNode(tag: number, vr: string, value: string): OutNode {
  return { kind: 'value', tag, vr, value: encodeText(value, vr) };
}

class ChunkWriter {
  chunks: Uint8Array[] = [];
  size = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  header(tag: number, vr: string | null, length: number, syntax: Syntax): void {
    const le = syntax.littleEndian;
    const explicit = syntax.explicitVr && vr !== null;
    const long = explicit && LONG_LENGTH_VRS.has(vr!);
    const b = new Uint8Array(explicit ? (long ? 12 : 8) : 8);
    const v = new DataView(b.buffer);
    v.setUint16(0, tag >>> 16, le);
    v.setUint16(2, tag & 0xffff, le);
    if (!explicit) v.setUint32(4, length, le);
    else {
      b[4] = vr!.charCodeAt(0);
      b[5] = vr!.charCodeAt(1);
      if (long) v.setUint32(8, length, le);
      else v.setUint16(6, length, le);
    }
    this.push(b);
  }
  concat(): Uint8Array {
    return Buffer.concat(this.chunks, this.size);
  }
}

function writeNodes(w: ChunkWriter, nodes: readonly OutNode[], syntax: Syntax): void {
  for (const n of nodes) {
    if (n.kind === 'raw') w.push(n.buf.subarray(n.start, n.end));
    else if (n.kind === 'value') {
      w.header(n.tag, n.vr, n.value.length, syntax);
      w.push(n.value);
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

/**
 * Preamble, "DICM", file meta (explicit VR LE, group length computed) and the dataset, as the
 * pieces of the file in order: untouched elements (pixel data above all) are views into the input,
 * so a caller that writes them out with writev never copies them.
 */
export function dicomFileParts(meta: readonly OutNode[], body: readonly OutNode[], ts: TransferSyntax): Uint8Array[] {
  const metaBytes = serialiseDataset(meta, { explicitVr: true, littleEndian: true });
  const groupLength = new ChunkWriter();
  groupLength.header(0x00020000, 'UL', 4, { explicitVr: true, littleEndian: true });
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, metaBytes.length, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  const head = [preamble, ...groupLength.chunks, len, metaBytes];
  // deflated input stays deflated: the dataset is re-compressed, its element bytes are unchanged
  if (ts.deflated) return [...head, deflateRawSync(serialiseDataset(body, ts))];
  const dataset = new ChunkWriter();
  writeNodes(dataset, body, ts);
  return [...head, ...dataset.chunks];
}

/** The whole file in one buffer (dicomFileParts, copied once). */
export function writeDicomFile(meta: readonly OutNode[], body: readonly OutNode[], ts: TransferSyntax): Uint8Array {
  return Buffer.concat(dicomFileParts(meta, body, ts));
}
