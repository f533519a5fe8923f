import { config } from '../config';
import { MAX_URL_TTL_S } from './limits';

/** Presigned URL lifetime in seconds: SEGFLOW_UPLOAD_URL_TTL_S (tests shorten it), never above 15 minutes. Server only (limits.ts is shared with the browser). */
export function urlTtlSeconds(): number {
  return Math.min(config().uploads.urlTtlS, MAX_URL_TTL_S);
}
