import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../audit/append-audit-event';
import { getDb } from '../db';
import { grantAppRole } from './app-role';

/**
 * The app's connection acts as a role that owns nothing (issue 16): it may append to the audit log
 * and read it, never change it or switch its trigger off; migrations run as the owner. PostgreSQL
 * only (production and CI): the embedded PGlite has one session for every client and no roles to speak of.
 */
const onPostgres = process.env.SEGFLOW_TEST_EMBEDDED_DB !== '1';
const rows = async (q: ReturnType<typeof sql>) => (await getDb().execute(q)) as unknown as Record<string, unknown>[];

describe.runIf(onPostgres)('the app database role', () => {
  const owner = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  afterAll(() => owner.end());

  it('connects as segflow_app, no superuser, owning no table', async () => {
    const [me] = await rows(sql`select current_user as role, r.rolsuper as superuser from pg_roles r where r.rolname = current_user`);
    expect(me).toEqual({ role: 'segflow_app', superuser: false });
    const owned = await rows(sql`select tablename from pg_tables where schemaname = 'public' and tableowner = current_user`);
    expect(owned).toEqual([]);
  });

  it('appends to and reads the audit log, but cannot change it, empty it or disable its trigger', async () => {
    await getDb().transaction((tx) => appendAuditEvent(tx, { actorLabel: 'test', action: 'test.app-role', outcome: 'success', requestId: 'role' }));
    const [last] = await rows(sql`select seq from audit_events where action = 'test.app-role' order by seq desc limit 1`);
    expect(last.seq).toBeDefined();
    const refused = async (q: ReturnType<typeof sql>) =>
      getDb()
        .execute(q)
        .then(
          () => 'ran',
          (err: { code?: string; cause?: { code?: string } }) => err.code ?? err.cause?.code,
        );
    // 42501: insufficient privilege; ALTER TABLE needs ownership (also 42501, "must be owner")
    expect(await refused(sql`alter table audit_events disable trigger audit_events_no_update`)).toBe('42501');
    expect(await refused(sql`alter table audit_events disable trigger all`)).toBe('42501');
    expect(await refused(sql`update audit_events set action = 'x' where seq = ${last.seq}`)).toBe('42501');
    expect(await refused(sql`delete from audit_events where seq = ${last.seq}`)).toBe('42501');
    expect(await refused(sql`truncate audit_events`)).toBe('42501');
    expect(await refused(sql`drop table audit_events`)).toBe('42501');
    expect(await refused(sql`set session_replication_role = replica`)).toBe('42501');
    // the owner's connection (migrations) still owns it
    const [{ tableowner }] = await owner`select tableowner from pg_tables where tablename = 'audit_events'`;
    expect(tableowner).not.toBe('segflow_app');
  });

  it('still does its ordinary work on every other table', async () => {
    const [{ n }] = await rows(sql`select count(*)::int as n from projects`);
    expect(n).toBeGreaterThanOrEqual(0);
    await getDb().transaction(async (tx) => {
      await tx.execute(sql`update projects set name = name`);
      await tx.execute(sql`delete from sign_in_throttle where false`);
    });
  });

  it('grants again idempotently, the role already there (as after every migration)', async () => {
    await grantAppRole(owner, 'segflow_app');
    await grantAppRole(owner, 'segflow_app');
    const privileges =
      await owner`select privilege_type from information_schema.role_table_grants where grantee = 'segflow_app' and table_name = 'audit_events' order by 1`;
    expect(privileges.map((p) => p.privilege_type)).toEqual(['INSERT', 'SELECT']);
  });
});
