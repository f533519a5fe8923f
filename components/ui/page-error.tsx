import { PERMISSION_LABELS, type Permission } from '@/lib/auth/permissions';

/** "does not allow study:read" (the API's words, for developers) reads "does not allow opening studies (study:read)" here. */
function inUserWords(message: string): string {
  return message.replace(/does not allow ([a-z]+:[a-z]+)/g, (all, p: string) =>
    p in PERMISSION_LABELS ? `does not allow ${PERMISSION_LABELS[p as Permission]} (${p})` : all,
  );
}

/** The heading and test id of each kind of failure a page meets; anything else "cannot be shown". */
const KINDS: Record<string, { title: string; testId: string }> = {
  forbidden: { title: 'Not allowed', testId: 'forbidden' },
  // also a project the user is not a member of: its existence is not confirmed either way
  not_found: { title: 'Not found', testId: 'not-found' },
  // an address whose id or value is malformed (a hand-edited link)
  invalid_input: { title: 'Not a valid address', testId: 'invalid-address' },
};

/**
 * What a page shows instead of its content when the guard refused it or its item does not exist,
 * in the user's words. The HTTP status stays 200: Next.js gives a page a 403 only through the
 * experimental `forbidden()`, whose page gets no props and so could not say which permission.
 */
export function PageError({ error }: { error: { code: string; message: string } }) {
  const kind = KINDS[error.code] ?? { title: 'This page cannot be shown', testId: 'page-error' };
  return (
    <div className="card" role="alert" data-testid={kind.testId}>
      <h1>{kind.title}</h1>
      <p className="error">{inUserWords(error.message)}</p>
    </div>
  );
}
