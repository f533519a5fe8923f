/**
 * CORS for /dicomweb, so a viewer served from another origin (OHIF on its own host, a PACS web UI)
 * can call it with an API token. Only the origins listed in SEGFLOW_DICOMWEB_ORIGINS get the headers;
 * credentials (cookies) are never allowed cross-origin — no Access-Control-Allow-Credentials — so a
 * page elsewhere acts only with a token its user gave it, never with a signed-in user's session.
 * Answering a preflight reveals nothing (it carries no credentials and reaches no handler); the
 * request that follows goes through the guard like any other.
 */
export const DICOMWEB_PATH_PREFIX = '/dicomweb/';

const PREFLIGHT = {
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
  // what dicomweb-client and OHIF send: the token, the media types they ask for and send
  'Access-Control-Allow-Headers': 'Authorization, Accept, Content-Type',
  'Access-Control-Max-Age': '600',
};

/** the response headers a viewer's script must read: QIDO's "more results" warning, multipart boundaries */
const EXPOSED = 'Warning, Content-Type, Content-Length, Content-Location';

/** The CORS headers for a request from `origin` (null: same-origin or not a browser), or none when the origin is not allowed. */
export function dicomwebCorsHeaders(origin: string | null, allowed: readonly string[], preflight: boolean): Record<string, string> {
  if (!origin || !allowed.includes(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED, ...(preflight ? PREFLIGHT : {}) };
}
