import { join } from 'node:path';
import postgres from 'postgres';

/**
 * A postgres.js client for a DATABASE_URL, with libpq's Unix-socket form understood:
 * `postgres://user@localhost:5432/db?host=/path/to/dir` connects to `/path/to/dir/.s.PGSQL.5432`
 * (postgres.js takes a socket only as an option, not in the URL). Every client segflow makes goes
 * through here, so the embedded database's socket URL works everywhere a URL does.
 */
export function postgresClient(url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return postgres(url, options);
  }
  const dir = parsed.searchParams.get('host');
  if (!dir?.startsWith('/')) return postgres(url, options);
  parsed.searchParams.delete('host');
  return postgres(parsed.toString(), { ...options, path: join(dir, `.s.PGSQL.${parsed.port || 5432}`) });
}
