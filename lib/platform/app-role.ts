import type postgres from 'postgres';
import { AppError } from '../errors';

/**
 * The role the app's connections act as (SEGFLOW_DB_ROLE, default `segflow_app`): it owns nothing,
 * so it cannot alter or drop a table or switch the audit log's append-only trigger off, and it may
 * only read and append `audit_events`. Applied by the schema owner after every migration (so new
 * tables are covered), in one transaction, so the app never sees the grants half-made. The app's
 * connections take the role at start-up (`lib/db.ts`); production logs in as this role or as a
 * member of it (deploy/README.md, step 3).
 */
export async function grantAppRole(sql: postgres.Sql, role: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new AppError('invalid_input', `SEGFLOW_DB_ROLE: not a role name: ${role}`);
  const [exists] = await sql`select 1 from pg_roles where rolname = ${role}`;
  if (!exists) {
    try {
      await sql.unsafe(`create role ${role} nologin`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // another migrating database on this server made it meanwhile (roles are per server)
      if (code !== '42710' && code !== '23505') {
        if (code === '42501')
          throw new AppError(
            'unavailable',
            `role ${role} does not exist and the migrating role may not create it: create it (deploy/README.md, step 3) or set SEGFLOW_DB_ROLE`,
          );
        throw err;
      }
    }
  }
  await sql.begin(async (tx) => {
    await tx.unsafe(`revoke all on all tables in schema public from ${role}`);
    await tx.unsafe(`grant usage on schema public to ${role}`);
    await tx.unsafe(`grant select, insert, update, delete on all tables in schema public to ${role}`);
    await tx.unsafe(`revoke update, delete on audit_events from ${role}`);
    await tx.unsafe(`grant usage, select on all sequences in schema public to ${role}`);
  });
}
