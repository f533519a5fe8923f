import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import { verifyPassword } from '@/lib/auth/password';
import { createScratchDatabase } from '@/test/scratch-database';
import { REPO_ROOT } from '@/workers/inference/testing/fixtures';

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let client: ReturnType<typeof postgres>;
const bootstrap = (args: string[], input?: string) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin/segflow.mjs'), 'admin', 'bootstrap', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    input: input ?? '',
    env: { ...process.env, DATABASE_URL: scratch.url },
    timeout: 60_000,
  });

beforeAll(async () => {
  scratch = await createScratchDatabase();
  client = postgres(scratch.url, { max: 1, onnotice: () => {} });
}, 120_000);
afterAll(async () => {
  await client?.end();
  await scratch?.drop();
});

describe('segflow admin bootstrap (a fresh install, PostgreSQL)', () => {
  it('creates the first admin with their project, audited; refuses a second one, and names what is wrong', async () => {
    const db = drizzle(client, { schema });
    expect(await db.select().from(schema.users)).toEqual([]);

    const short = bootstrap(['--email', 'ada@example.org', '--name', 'Ada', '--password-stdin'], 'short\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('segflow: --password: the password must have at least 12 characters');

    const ok = bootstrap(
      ['--email', 'Ada@Example.org', '--name', 'Ada Lovelace', '--password-stdin', '--project', 'neuro', '--project-name', 'Neuro'],
      'correct horse battery staple\n',
    );
    expect(ok.stderr).toContain('first admin ada@example.org created, administering project neuro');
    expect(ok.status).toBe(0);
    const out = JSON.parse(ok.stdout.trim().split('\n').at(-1)!) as { user: string; project: string };
    const [user] = await db.select().from(schema.users).where(eq(schema.users.id, out.user));
    expect(user).toMatchObject({ email: 'ada@example.org', name: 'Ada Lovelace' });
    expect(await verifyPassword('correct horse battery staple', user.passwordHash!)).toEqual({ ok: true, rehash: false });
    const [m] = await db
      .select()
      .from(schema.memberships)
      .where(and(eq(schema.memberships.userId, out.user), eq(schema.memberships.projectId, out.project)));
    expect(m.role).toBe('admin');
    const [project] = await db.select().from(schema.projects).where(eq(schema.projects.id, out.project));
    expect(project.slug).toBe('neuro');
    expect(project.deidSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(ok.stdout + ok.stderr).not.toContain(project.deidSecret);
    const events = await db.select().from(schema.auditEvents).where(eq(schema.auditEvents.action, 'admin.bootstrap'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: out.user, projectId: out.project, targetId: out.user, outcome: 'success' });

    const again = bootstrap(['--email', 'mallory@example.org', '--name', 'Mallory', '--password-stdin'], 'another long password\n');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('segflow: an admin already exists (ada@example.org): bootstrap only creates the first one');
    expect(await db.select().from(schema.users)).toHaveLength(1);
  }, 180_000);

  it('without --password-stdin, prints a one-time invitation link that sets the password once', async () => {
    const other = await createScratchDatabase();
    const c = postgres(other.url, { max: 1, onnotice: () => {} });
    try {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/segflow.mjs'), 'admin', 'bootstrap', '--email', 'grace@example.org', '--name', 'Grace'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        input: '',
        env: { ...process.env, DATABASE_URL: other.url, NEXTAUTH_URL: 'https://segflow.example.org' },
        timeout: 60_000,
      });
      expect(r.stderr).toMatch(
        /first admin grace@example\.org created, administering project main: one-time invitation link .*: https:\/\/segflow\.example\.org\/invite\//,
      );
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { user: string; invitation: string };
      const db = drizzle(c, { schema });
      const [user] = await db.select().from(schema.users).where(eq(schema.users.id, out.user));
      expect(user.passwordHash).toBeNull();
      const { acceptInvitation } = await import('@/lib/admin/invitations');
      await db.transaction((tx) => acceptInvitation(tx, { token: out.invitation.split('/invite/')[1], password: 'grace hopper password' }));
      const [after] = await db.select().from(schema.users).where(eq(schema.users.id, out.user));
      expect(await verifyPassword('grace hopper password', after.passwordHash!)).toEqual({ ok: true, rehash: false });
    } finally {
      await c.end();
      await other.drop();
    }
  }, 180_000);
});
