/**
 * The one error type of segflow. `code` is what callers branch on (never the message text);
 * `status` is the HTTP status a route handler answers with; `message` is safe to show a user and
 * names the file or field and the problem. Infrastructure errors are logged, never shown raw.
 */
export type AppErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'invalid_input'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'not_acceptable'
  | 'malformed_file'
  | 'checksum_mismatch'
  | 'quarantined'
  /** the input is outside the model's declared domain (lib/models/input-domain.ts): retrying cannot help */
  | 'out_of_domain'
  | 'unavailable'
  | 'internal';

export const STATUS: Record<AppErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_input: 400,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  not_acceptable: 406,
  malformed_file: 422,
  checksum_mismatch: 422,
  quarantined: 422,
  out_of_domain: 422,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  /** optional machine-readable details (file name, field, limit) */
  readonly details?: Record<string, unknown>;

  constructor(code: AppErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** PostgreSQL unique_violation, detected by SQLSTATE, never by message text. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code ?? (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === '23505';
}
