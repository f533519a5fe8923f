/**
 * dcmjs with limits. dcmjs trusts length fields, recurses without a depth limit and throws plain
 * errors (or reads garbage) on broken input, so the bytes are first walked by our bounds-checked
 * parser (same limits as everywhere else); only structurally sound data reaches dcmjs, and anything
 * dcmjs still throws becomes an AppError naming the file. Raw datasets without preamble/file meta,
 * which dcmjs rejects, are given a file meta header first.
 */
import dcmjs, { type DcmjsDicomDict } from 'dcmjs';
import { AppError } from '@/lib/errors';
import { guardParse } from './guard-parse';
import { headerFromParsed } from './read-dicom-header';
import { parseDicomFile, type ParseOptions } from './parse-dicom-file';
import { stringValue } from './element-values';
import { textNode, writeDicomFile } from './write-dicom-file';

export function readDicom(bytes: Uint8Array, fileName: string, options: Omit<ParseOptions, 'stopAtPixelData'> = {}): DcmjsDicomDict {
  const parsed = guardParse(fileName, () => parseDicomFile(bytes, fileName, options));
  // the numbers that geometry depends on must parse, as they must for ingest
  guardParse(fileName, () => headerFromParsed(parsed, { requireUids: false }));
  let part10 = bytes;
  if (!parsed.hasFileMeta) {
    const { body, elements, transferSyntax } = parsed;
    const meta = [
      { kind: 'value' as const, tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
      textNode(0x00020002, 'UI', stringValue(body, elements, 0x00080016) ?? ''),
      textNode(0x00020003, 'UI', stringValue(body, elements, 0x00080018) ?? ''),
      textNode(0x00020010, 'UI', transferSyntax.uid),
    ];
    const nodes = elements.map((el) => ({ kind: 'raw' as const, tag: el.tag, buf: body, start: el.start, end: el.end }));
    part10 = writeDicomFile(meta, nodes, transferSyntax);
  }
  const copy = part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.byteLength) as ArrayBuffer;
  try {
    return dcmjs.data.DicomMessage.readFile(copy, { ignoreErrors: false });
  } catch {
    // dcmjs's message describes its own code, not the file: never shown
    throw new AppError('malformed_file', `${fileName}: the DICOM data set could not be decoded (an element's value does not fit its VR or length)`, {
      file: fileName,
    });
  }
}
