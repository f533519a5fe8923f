/** Thrown for problems a user can act on; the viewer shows the message as it is. */
export class ViewerLoadError extends Error {
  override name = 'ViewerLoadError';
}

/**
 * Downloads one file as a blob, with a clear message when it fails (an expired link answers 403).
 * `onProgress` gets the fraction downloaded when the size is known.
 */
export async function fetchBlob(p: { url: string; what: string; signal: AbortSignal; onProgress: (fraction: number) => void }): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(p.url, { signal: p.signal, credentials: 'omit' });
  } catch (err) {
    if (p.signal.aborted) throw err;
    throw new ViewerLoadError(`could not download the ${p.what} (network error)`);
  }
  if (res.status === 403) throw new ViewerLoadError(`the link to the ${p.what} has expired or was refused (HTTP 403); reload the page`);
  if (!res.ok || !res.body) throw new ViewerLoadError(`could not download the ${p.what} (HTTP ${res.status})`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    if (total > 0) p.onProgress(Math.min(1, received / total));
  }
  p.onProgress(1);
  return new Blob(chunks as BlobPart[]);
}

/**
 * Downloads one NIfTI file and returns it uncompressed as a blob: one request per file, and a
 * blob: URL the NIfTI loader can read without fetching again.
 */
export async function fetchNifti(p: { url: string; what: string; signal: AbortSignal; onProgress: (fraction: number) => void }): Promise<Blob> {
  const bytes = await fetchBlob(p);
  const head = new Uint8Array(await bytes.slice(0, 2).arrayBuffer());
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  const raw = gzipped ? await new Response(bytes.stream().pipeThrough(new DecompressionStream('gzip'))).blob().catch(() => null) : bytes;
  if (!raw) throw new ViewerLoadError(`the ${p.what} is not a valid gzip file`);
  if (raw.size < 352) throw new ViewerLoadError(`the ${p.what} is too small to be a NIfTI file (${raw.size} bytes)`);
  return raw;
}
