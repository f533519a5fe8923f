/**
 * Why a delivery did not get through, in an admin's words: undici's fetch says only "TypeError:
 * fetch failed" and keeps the reason in `cause` (a system error code, or its own UND_ERR_*).
 */
import { isAppError } from '../errors';

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens at that address and port)',
  ECONNRESET: 'the connection was reset by the receiver',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'host not found (DNS did not answer)',
  ENETUNREACH: 'network unreachable from segflow',
  EHOSTUNREACH: 'host unreachable from segflow',
  ETIMEDOUT: 'could not connect in time',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect in time',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_SOCKET: 'the connection broke during the request',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

export function deliveryError(err: unknown, timeoutMs: number): string {
  if (isAppError(err)) return err.message;
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code) return `${BY_CODE[code] ?? 'could not deliver'} (${code})`;
  if (cause?.message) return `could not deliver: ${cause.message}`;
  return `could not deliver: ${err.message}`;
}
