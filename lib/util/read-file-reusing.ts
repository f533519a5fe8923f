import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads whole files one after another into one growing buffer instead of a new one per file, so a
 * batch of same-sized files (a DICOM series) costs no allocation or page faults per file. Each read
 * returns a view that the next read overwrites: use it (and anything pointing into it) first.
 */
export class ReusedReadBuffer {
  private buf: Buffer = Buffer.allocUnsafe(0);

  read(path: string): Uint8Array {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (this.buf.length < size) this.buf = Buffer.allocUnsafe(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, this.buf, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      return this.buf.subarray(0, off);
    } finally {
      closeSync(fd);
    }
  }
}
