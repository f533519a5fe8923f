/** An S3 error response: the status, code and message real S3 answers with, as its XML body. */
export class S3StoreError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, string | number> = {},
  ) {
    super(message);
  }

  toXml(): string {
    const extra = Object.entries(this.detail)
      .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${this.code}</Code><Message>${escapeXml(this.message)}</Message>${extra}</Error>`;
  }
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
