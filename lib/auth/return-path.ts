/**
 * Where sign-in sends a user back to: the page they opened before they were asked to sign in (a
 * viewer link keeps its layout and slices), as a path of this app only — never another origin
 * (`//host`, `\`, a scheme), never the sign-in page itself. Anything else is the home page.
 */
export function returnPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000 || !/^\/(?![/\\])[^\s\\]*$/.test(raw) || /^\/signin(?:[/?#]|$)/.test(raw)) return '/';
  return raw;
}

/** The sign-in page, remembering `path` (the request's own path and query) to come back to. */
export function signInHref(path: string | null | undefined): string {
  const back = returnPath(path);
  return back === '/' ? '/signin' : `/signin?${new URLSearchParams({ next: back })}`;
}

/** The request header the proxy (proxy.ts) puts the page's path and query in, for a server component to read. */
export const PATH_HEADER = 'x-segflow-path';
