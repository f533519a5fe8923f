import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/health/route';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';

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
    expect(Object.keys(body).sort()).toEqual(['database', 'executor', 'ok', 'storage']);
    expect(body.ok).toBe(status === 200);
    expect(body.storage).toMatchObject({ ok: true, detail: expect.stringMatching(/versioning Enabled/) });
    expect(body.executor).toMatchObject({ detail: expect.stringMatching(/\d+ running, \d+ queued/) });
  });
});
