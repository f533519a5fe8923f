/** One presigned PUT: the transport differs (fetch in Node, XMLHttpRequest in the browser for progress). */
export interface PutRequest {
  url: string;
  headers: Record<string, string>;
  /** a Blob slice of the file where there is one (sent without a copy into the page), else the bytes */
  body: Uint8Array | Blob;
  signal: AbortSignal;
  onProgress?: (sent: number) => void;
}
export interface PutResponse {
  status: number;
  etag: string | null;
  /** the store's error text, for messages */
  text: string;
}
export type PutBytes = (req: PutRequest) => Promise<PutResponse>;

export const fetchPut: PutBytes = async (req) => {
  const res = await fetch(req.url, { method: 'PUT', headers: req.headers, body: req.body as Uint8Array<ArrayBuffer> | Blob, signal: req.signal });
  const text = res.ok ? '' : await res.text();
  if (res.ok) req.onProgress?.(req.body instanceof Blob ? req.body.size : req.body.byteLength);
  return { status: res.status, etag: res.headers.get('etag'), text };
};

export const xhrPut: PutBytes = (req) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', req.url);
    for (const [k, v] of Object.entries(req.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => req.onProgress?.(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, etag: xhr.getResponseHeader('etag'), text: xhr.status >= 300 ? xhr.responseText : '' });
    xhr.onerror = () => reject(new TypeError('network error'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    req.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(req.body instanceof Blob ? req.body : new Blob([req.body as Uint8Array<ArrayBuffer>]));
  });
