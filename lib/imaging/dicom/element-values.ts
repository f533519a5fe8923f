/** Reading values out of a walked dataset: strings, numbers, and lookups by tag. */
import { AppError } from '@/lib/errors';
import { tagString } from './dicom-syntax';
import type { DicomElement } from './parse-dataset';

/** Raw value as latin1 (one char per byte, lossless), trailing NUL/space padding removed. */
export function rawString(buf: Uint8Array, el: DicomElement): string {
  if (el.items || el.length === 0) return '';
  let end = el.valueStart + el.length;
  while (end > el.valueStart && (buf[end - 1] === 0 || buf[end - 1] === 0x20)) end--;
  // a Buffer (as files are read) decodes in place; a plain Uint8Array gets a Buffer view first
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.toString('latin1', el.valueStart, end);
}

export function findElement(elements: readonly DicomElement[], tag: number): DicomElement | undefined {
  // elements are (nearly always) sorted, but a linear scan is cheap for one header and never wrong
  for (const el of elements) if (el.tag === tag) return el;
  return undefined;
}

export function stringValue(buf: Uint8Array, elements: readonly DicomElement[], tag: number): string | undefined {
  const el = findElement(elements, tag);
  if (!el) return undefined;
  const s = rawString(buf, el).trim();
  return s === '' ? undefined : s;
}

export function uint16Value(buf: Uint8Array, elements: readonly DicomElement[], tag: number, le: boolean): number | undefined {
  const el = findElement(elements, tag);
  if (!el || el.length < 2 || el.items) return undefined;
  return new DataView(buf.buffer, buf.byteOffset + el.valueStart, 2).getUint16(0, le);
}

function invalidNumber(fileName: string, tag: number, name: string, value: string): never {
  throw new AppError('malformed_file', `${fileName}: ${name} ${tagString(tag)} is not a valid number: "${value}"`, {
    file: fileName,
    tag: tagString(tag),
  });
}

/** IS value (first of a multi-value); AppError when the text is not an integer. */
export function intValue(buf: Uint8Array, elements: readonly DicomElement[], tag: number, name: string, fileName: string): number | undefined {
  const s = stringValue(buf, elements, tag)?.split('\\')[0]?.trim();
  if (s === undefined || s === '') return undefined;
  if (!/^[+-]?\d{1,12}$/.test(s)) invalidNumber(fileName, tag, name, s);
  return Number(s);
}

/** DS values; AppError when any is not a decimal number. */
export function decimalValues(buf: Uint8Array, elements: readonly DicomElement[], tag: number, name: string, fileName: string): number[] | undefined {
  const s = stringValue(buf, elements, tag);
  if (s === undefined) return undefined;
  return s.split('\\').map((part) => {
    const t = part.trim();
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) invalidNumber(fileName, tag, name, t);
    return n;
  });
}
