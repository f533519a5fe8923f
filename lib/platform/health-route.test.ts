import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/health/route';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';
import { auditBacklog } from './check-health';

/** /api/health through its route handler: the status for anyone, the details for signed-in callers. */
let tp: TestProject;
beforeAll(async () => {
  tp = await createTestProject(getDb());
});

const health = async (headers: Record<string, string> = {}) => {
  const res = await GET(new Request('http://segflow.test/api/health', { headers }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('/api/health', () => {
  it('tells an anonymous caller (or one with a bad token) the status only', async () => {
    const callers: Record<string, string>[] = [{}, { authorization: 'Bearer sfw_not-a-token' }, { cookie: 'next-auth.session-token=forged' }];
    for (const headers of callers) {
      const { status, body } = await health(headers);
      expect(body).toEqual({ ok: status === 200 });
    }
  });

  it('gives a signed-in caller each component with its detail (queue depth, bucket, executor)', async () => {
    const { status, body } = await health({ authorization: `Bearer ${tp.users.reviewer.token}` });
    expect(Object.keys(body).sort()).toEqual(['audit', 'database', 'executor', 'ok', 'storage']);
    expect(body.ok).toBe(status === 200);
    expect(body.storage).toMatchObject({ ok: true, detail: expect.stringMatching(/versioning Enabled/) });
    expect(body.executor).toMatchObject({ detail: expect.stringMatching(/\d+ running, \d+ queued/) });
  });

  it('reports the audit backlog (pending read events and their age) to a signed-in caller', async () => {
    const { body } = await health({ authorization: `Bearer ${tp.users.reviewer.token}` });
    // other test files read (and chain) beside this one: the shape, not the numbers
    expect(body.audit).toMatchObject({ ok: expect.any(Boolean), pending: expect.any(Number), detail: expect.any(String) });
  });

  it('calls a backlog older than a minute not ok, naming what to look at; an empty one ok', () => {
    expect(auditBacklog({ pending: 0, oldestS: null })).toEqual({ ok: true, pending: 0, oldestS: null, detail: 'every audit event is in the hash chain' });
    expect(auditBacklog({ pending: 3, oldestS: 2 })).toEqual({
      ok: true,
      pending: 3,
      oldestS: 2,
      detail: '3 read events waiting to be chained, the oldest 2 s old',
    });
    expect(auditBacklog({ pending: 1, oldestS: 61 })).toEqual({
      ok: false,
      pending: 1,
      oldestS: 61,
      detail: '1 read event waiting to be chained, the oldest 61 s old (over 60 s: is the executor process, which chains them every second, running?)',
    });
  });
});
