import type { BatchFileResult, PartsDto, SignedPart, UploadResult, TCompletedPart, UploadDto, UploadFileDto } from '../schemas';

/** An error answer of the segflow API, with its code and HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface UploadApiOptions {
  /** '' in the browser (same origin), the app URL elsewhere */
  baseUrl: string;
  /** API token (CLI, scripts); the browser sends its session cookie instead */
  token?: string;
  fetch?: typeof fetch;
}

/** The upload API as the browser and the CLI call it: one method per endpoint. */
export class UploadApi {
  private readonly f: typeof fetch;
  constructor(private readonly opts: UploadApiOptions) {
    this.f = opts.fetch ?? ((...args) => fetch(...args));
  }

  protected async call<T>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const res = await this.f(`${this.opts.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok && !accept.includes(res.status)) {
      const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `${method} ${path}: HTTP ${res.status}`);
    }
    return { status: res.status, data: data as T };
  }

  async createUpload(project: string, study?: string): Promise<{ id: string; studyId: string; studyLabel: string; projectId: string }> {
    return (
      await this.call<{ upload: { id: string; studyId: string; studyLabel: string; projectId: string } }>(
        'POST',
        `/api/projects/${encodeURIComponent(project)}/uploads`,
        study ? { study } : {},
      )
    ).data.upload;
  }
  async getUpload(upload: string): Promise<UploadDto> {
    return (await this.call<UploadDto>('GET', `/api/uploads/${upload}`)).data;
  }
  async registerFile(upload: string, f: { name: string; size: number; sha256: string }): Promise<UploadFileDto> {
    return (await this.call<{ file: UploadFileDto }>('POST', `/api/uploads/${upload}/files`, f)).data.file;
  }
  /** declares up to MAX_BATCH_FILES files in one request, answered in the same order */
  async registerFiles(
    upload: string,
    files: readonly { name: string; size: number; sha256: string }[],
  ): Promise<{ file: UploadFileDto; signed: SignedPart | null }[]> {
    return (await this.call<{ files: { file: UploadFileDto; signed: SignedPart | null }[] }>('POST', `/api/uploads/${upload}/files/batch`, { files })).data
      .files;
  }
  /** checks and indexes up to MAX_BATCH_FILES single-PUT files in one request: each its status, or its own error */
  async completeFiles(upload: string, files: readonly string[]): Promise<BatchFileResult[]> {
    return (await this.call<{ files: BatchFileResult[] }>('POST', `/api/uploads/${upload}/files/batch/complete`, { files })).data.files;
  }
  async sign(upload: string, file: string, part?: { partNumber: number; partCrc32?: string }): Promise<SignedPart> {
    return (await this.call<SignedPart>('POST', `/api/uploads/${upload}/files/${file}/sign`, part ?? {})).data;
  }
  async parts(upload: string, file: string): Promise<PartsDto> {
    return (await this.call<PartsDto>('GET', `/api/uploads/${upload}/files/${file}/parts`)).data;
  }
  /** answers the file with its final status: verified, or rejected with a reason (HTTP 422) */
  async completeFile(upload: string, file: string, parts?: TCompletedPart[]): Promise<UploadFileDto> {
    return (await this.call<{ file: UploadFileDto }>('POST', `/api/uploads/${upload}/files/${file}/complete`, parts ? { parts } : {}, [422])).data.file;
  }
  async abortFile(upload: string, file: string): Promise<UploadFileDto> {
    return (await this.call<{ file: UploadFileDto }>('POST', `/api/uploads/${upload}/files/${file}/abort`, {})).data.file;
  }
  async finish(upload: string): Promise<UploadResult> {
    return (await this.call<UploadResult>('POST', `/api/uploads/${upload}/complete`, {})).data;
  }
}
