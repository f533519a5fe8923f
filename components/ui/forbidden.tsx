import { PERMISSION_LABELS, type Permission } from '@/lib/auth/permissions';

/** "does not allow study:read" (the API's words, for developers) reads "does not allow opening studies (study:read)" here. */
function inUserWords(message: string): string {
  return message.replace(/does not allow ([a-z]+:[a-z]+)/g, (all, p: string) =>
    p in PERMISSION_LABELS ? `does not allow ${PERMISSION_LABELS[p as Permission]} (${p})` : all,
  );
}

export function Forbidden({ message }: { message: string }) {
  return (
    <div className="card" role="alert" data-testid="forbidden">
      <h1>Not allowed</h1>
      <p className="error">{inUserWords(message)}</p>
    </div>
  );
}
