import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/**
 * multipart/related (RFC 2387) as DICOMweb uses it: writing a response from parts produced one at a
 * time (each part's bytes streamed as they come), and reading a request body (STOW-RS).
 */
export interface OutPart {
  contentType: string;
  /** e.g. Content-Location */
  headers?: Record<string, string>;
  body: () => Promise<ReadableStream<Uint8Array> | Uint8Array>;
}

const enc = new TextEncoder();

export function multipartResponse(type: string, parts: OutPart[], extraHeaders: Record<string, string> = {}): Response {
  const boundary = `segflow-${randomBytes(12).toString('hex')}`;
  let i = 0;
  let current: ReadableStreamDefaultReader<Uint8Array> | null = null;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (current) {
        const { done, value } = await current.read();
        if (!done) return controller.enqueue(value);
        current = null;
        controller.enqueue(enc.encode('\r\n'));
        return;
      }
      if (i >= parts.length) {
        controller.enqueue(enc.encode(`--${boundary}--\r\n`));
        return controller.close();
      }
      const part = parts[i++];
      const head = Object.entries({ 'Content-Type': part.contentType, ...part.headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      controller.enqueue(enc.encode(`--${boundary}\r\n${head}\r\n`));
      const body = await part.body();
      if (body instanceof Uint8Array) {
        controller.enqueue(body);
        controller.enqueue(enc.encode('\r\n'));
      } else current = body.getReader();
    },
    cancel() {
      void current?.cancel();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': `multipart/related; type="${type}"; boundary=${boundary}`, ...extraHeaders },
  });
}

export interface InPart {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The parts of a multipart/related body; `contentType` is the request's Content-Type (its boundary). */
export function parseMultipart(contentType: string | null, body: Uint8Array): InPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!contentType?.toLowerCase().startsWith('multipart/related') || !m) {
    throw new AppError('unsupported', 'Content-Type: expected multipart/related; type="application/dicom" with a boundary');
  }
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const parts: InPart[] = [];
  let at = buf.indexOf(delimiter);
  if (at < 0) throw new AppError('invalid_input', 'body: no multipart boundary found');
  while (at >= 0) {
    let start = at + delimiter.length;
    if (buf[start] === 0x2d && buf[start + 1] === 0x2d) break; // closing delimiter
    if (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
    const next = buf.indexOf(delimiter, start);
    if (next < 0) throw new AppError('invalid_input', 'body: a multipart part has no closing boundary');
    // the CRLF before a delimiter belongs to the delimiter
    const end = buf[next - 2] === 0x0d && buf[next - 1] === 0x0a ? next - 2 : next;
    const headEnd = buf.indexOf('\r\n\r\n', start);
    if (headEnd < 0 || headEnd > end) throw new AppError('invalid_input', `body: part ${parts.length + 1} has no header block`);
    const headers: Record<string, string> = {};
    for (const line of buf.subarray(start, headEnd).toString('latin1').split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    parts.push({ headers, body: new Uint8Array(buf.subarray(headEnd + 4, end)) });
    at = next;
  }
  return parts;
}
