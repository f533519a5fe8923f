import type { DcmjsElement } from 'dcmjs';
import type { DicomInstance } from '@/db/schema';
import { AppError } from '../errors';

/** transfer syntaxes whose pixel data is not encapsulated (frames are slices of it) */
const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

/** media type of an encapsulated frame, by transfer syntax (PS3.18 Table 8.7.3-2) */
const FRAME_MEDIA: [RegExp, string][] = [
  [/^1\.2\.840\.10008\.1\.2\.4\.(50|51|57|70)$/, 'image/jpeg'],
  [/^1\.2\.840\.10008\.1\.2\.4\.(80|81)$/, 'image/jls'],
  [/^1\.2\.840\.10008\.1\.2\.4\.(90|91)$/, 'image/jp2'],
  [/^1\.2\.840\.10008\.1\.2\.4\.(92|93)$/, 'image/jpx'],
  [/^1\.2\.840\.10008\.1\.2\.4\.(201|202|203)$/, 'image/jphc'],
  [/^1\.2\.840\.10008\.1\.2\.5$/, 'image/dicom-rle'],
];

export function parseFrameList(list: string, frames: number): number[] {
  const numbers = list.split(',').map((f) => Number(f));
  for (const n of numbers) {
    if (!Number.isInteger(n) || n < 1 || n > frames)
      throw new AppError('invalid_input', `frames: ${list} — frame numbers run from 1 to ${frames} in this instance`, { field: 'frames' });
  }
  return numbers;
}

const num = (ds: Record<string, DcmjsElement>, tag: string, fallback: number) => Number(ds[tag]?.Value?.[0] ?? fallback);

/**
 * The requested frames of one instance, as stored: native pixel data sliced per frame (1-bit data
 * unpacked to whole bytes per frame, as PS3.18 8.7.3.5 asks), encapsulated frames as their
 * fragments (no transcoding). Media type: application/octet-stream, or the compressed frame's own.
 */
export function instanceFrames(i: DicomInstance, ds: Record<string, DcmjsElement>, numbers: number[]): { mediaType: string; frames: Uint8Array[] } {
  const pixel = ds['7FE00010'];
  if (!pixel?.Value?.length) throw new AppError('not_found', `instance ${i.sopInstanceUid} has no pixel data`);
  const buffers = (pixel.Value as ArrayBuffer[]).map((b) => new Uint8Array(b));
  if (NATIVE.has(i.transferSyntaxUid)) {
    const data = buffers.length === 1 ? buffers[0] : new Uint8Array(Buffer.concat(buffers));
    const pixels = num(ds, '00280010', 0) * num(ds, '00280011', 0) * num(ds, '00280002', 1);
    const bits = num(ds, '00280100', 16);
    return {
      mediaType: 'application/octet-stream',
      frames: numbers.map((n) =>
        bits === 1 ? unpackBits(data, (n - 1) * pixels, pixels) : data.slice(((n - 1) * pixels * bits) / 8, (n * pixels * bits) / 8),
      ),
    };
  }
  const media = FRAME_MEDIA.find(([re]) => re.test(i.transferSyntaxUid))?.[1] ?? 'application/octet-stream';
  // dcmjs joins fragments per frame when there is an offset table; without one it gives fragments
  let frames = buffers;
  if (frames.length !== i.numberOfFrames) {
    if (i.numberOfFrames !== 1)
      throw new AppError(
        'unsupported',
        `instance ${i.sopInstanceUid}: ${frames.length} fragments for ${i.numberOfFrames} frames and no offset table; retrieve the instance instead`,
      );
    frames = [new Uint8Array(Buffer.concat(frames))];
  }
  return { mediaType: media, frames: numbers.map((n) => frames[n - 1]) };
}

/** bits [start, start+count) of 1-bit pixel data (least significant bit first), as one frame of whole bytes */
function unpackBits(data: Uint8Array, start: number, count: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  for (let b = 0; b < count; b++) {
    const src = start + b;
    if (data[src >> 3] & (1 << (src & 7))) out[b >> 3] |= 1 << (b & 7);
  }
  return out;
}
