/**
 * Registering a model version through the API, as the browser form and `segflow models register`
 * both do (isomorphic: fetch and WebCrypto only): declare the files with their sizes and SHA-256,
 * PUT each straight to the store with its presigned URL, then complete. Resolves with the outcome
 * (accepted or refused with reasons); a request the API refuses outright throws its message.
 */
import type { RegistrationOutcomeDto, StagedRegistrationDto, TDeclaredFile } from '../schemas';

export interface RegistrationSource {
  name: string;
  bytes: Uint8Array | Blob;
}

export interface RegisterViaApiOptions {
  /** '' in the browser (same origin), the app URL elsewhere */
  baseUrl: string;
  /** API token (CLI); the browser sends its session cookie */
  token?: string;
  fetch?: typeof fetch;
  model: string;
  version: string;
  project?: string;
  onnx: RegistrationSource;
  spec: RegistrationSource;
  references: { input: RegistrationSource; mask: RegistrationSource }[];
  onProgress?: (step: 'hashing' | 'uploading' | 'validating', detail?: string) => void;
}

export class RegistrationApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RegistrationApiError';
  }
}

async function declare(src: RegistrationSource): Promise<TDeclaredFile> {
  const buf = src.bytes instanceof Blob ? await src.bytes.arrayBuffer() : src.bytes;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buf as ArrayBuffer));
  return { name: src.name, size: buf.byteLength, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
}

export async function registerViaApi(o: RegisterViaApiOptions): Promise<RegistrationOutcomeDto> {
  const f = o.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const call = async <T>(path: string, body: unknown, accept: number[] = []): Promise<T> => {
    const res = await f(`${o.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data = (await res.json().catch(() => null)) as (T & { error?: { code?: string; message?: string } }) | null;
    if (!res.ok && !accept.includes(res.status)) {
      throw new RegistrationApiError(res.status, data?.error?.code ?? 'http_error', data?.error?.message ?? `POST ${path}: HTTP ${res.status}`);
    }
    return data as T;
  };

  o.onProgress?.('hashing');
  const refs = o.references;
  const sources = [o.onnx, o.spec, ...refs.flatMap((r) => [r.input, r.mask])];
  const declared = await Promise.all(sources.map(declare));
  const { registration } = await call<{ registration: StagedRegistrationDto }>(`/api/models/${encodeURIComponent(o.model)}/versions`, {
    version: o.version,
    ...(o.project ? { project: o.project } : {}),
    onnx: declared[0],
    spec: declared[1],
    references: refs.map((_, i) => ({ input: declared[2 + 2 * i], mask: declared[3 + 2 * i] })),
  });
  // the server lists the files in the order they were declared
  for (const [i, file] of registration.files.entries()) {
    o.onProgress?.('uploading', file.name);
    const body = sources[i].bytes;
    const res = await f(file.upload.url, { method: 'PUT', headers: file.upload.headers, body: body as Blob | Uint8Array<ArrayBuffer> });
    if (!res.ok)
      throw new RegistrationApiError(
        res.status,
        'upload_failed',
        `${file.name}: the store refused the upload (HTTP ${res.status}) ${(await res.text()).slice(0, 200)}`,
      );
  }
  o.onProgress?.('validating');
  return call<RegistrationOutcomeDto>(registration.complete, { registration: registration.id }, [422]);
}
