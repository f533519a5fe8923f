/**
 * Signs in as the browser does, through the app's own next-auth handler
 * (app/api/auth/[...nextauth]/route.ts): GET /api/auth/csrf, then POST /api/auth/callback/credentials
 * with the CSRF token and its cookie, email and password. The handler is called in its pages-API form
 * (the app-router form needs a live Next request scope); both forms run next-auth's same AuthHandler
 * with the app's authOptions. Returns the Cookie header a browser would send afterwards.
 */
const HOST = 'localhost:3000';

type Jar = Map<string, string>;
type NextAuthHandler = (req: unknown, res: unknown) => Promise<unknown>;

class CapturedResponse {
  statusCode = 200;
  headers = new Map<string, unknown>();
  body: unknown;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }
  setHeader(name: string, value: unknown) {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }
  json(body: unknown) {
    this.body = body;
  }
  send(body: unknown) {
    this.body = typeof body === 'string' ? safeJson(body) : body;
  }
  end() {}
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function handle(jar: Jar, action: string[], method: 'GET' | 'POST', body?: Record<string, string>) {
  const { GET, POST } = (await import('../app/api/auth/[...nextauth]/route')) as unknown as Record<'GET' | 'POST', NextAuthHandler>;
  const res = new CapturedResponse();
  const cookieHeader = [...jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  await (method === 'GET' ? GET : POST)(
    {
      method,
      query: { nextauth: action },
      body,
      cookies: Object.fromEntries(jar),
      headers: { host: HOST, cookie: cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    },
    res,
  );
  const setCookie = res.getHeader('set-cookie');
  for (const line of (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) as string[]) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
  }
  return res;
}

export function cookieHeaderOf(jar: Jar): string {
  return [...jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
}

export async function signInWithPassword(email: string, password: string): Promise<string> {
  process.env.NEXTAUTH_URL ??= `http://${HOST}`;
  const jar: Jar = new Map();
  const csrf = await handle(jar, ['csrf'], 'GET');
  const csrfToken = (csrf.body as { csrfToken?: string } | undefined)?.csrfToken;
  if (!csrfToken) throw new Error(`next-auth answered no CSRF token (status ${csrf.statusCode})`);
  const res = await handle(jar, ['callback', 'credentials'], 'POST', { csrfToken, email, password, callbackUrl: `http://${HOST}/`, json: 'true' });
  if (![...jar.keys()].some((k) => k.endsWith('next-auth.session-token'))) {
    throw new Error(`sign-in of ${email} set no session cookie (status ${res.statusCode}, ${JSON.stringify(res.body)})`);
  }
  jar.delete('next-auth.csrf-token');
  jar.delete('next-auth.callback-url');
  return cookieHeaderOf(jar);
}
