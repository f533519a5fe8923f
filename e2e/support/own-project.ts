import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';

export type Tokens = Record<'researcher' | 'reviewer' | 'operator' | 'admin', string>;

export const demoTokens = () => JSON.parse(readFileSync(join(process.cwd(), '.data/e2e/demo-tokens.json'), 'utf8')) as Tokens;
export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A project of the spec's own (the demo admin creates it; the demo researcher, reviewer and operator
 * join it), granted the shipped model by its owner (demo): its studies and runs change nothing other
 * specs count in project demo, whatever order the specs run in.
 */
export async function ownProject(request: APIRequestContext, t: Tokens, prefix: string): Promise<string> {
  const slug = `${prefix}-${randomBytes(3).toString('hex')}`;
  const created = await request.post('/api/admin/projects', { headers: auth(t.admin), data: { slug, name: `e2e ${prefix}` } });
  expect(created.status(), await created.text()).toBeLessThan(300);
  for (const role of ['researcher', 'reviewer', 'operator'] as const) {
    const added = await request.post(`/api/projects/${slug}/members`, { headers: auth(t.admin), data: { email: `${role}@demo.segflow`, role } });
    expect(added.status(), await added.text()).toBeLessThan(300);
  }
  // the shipped model belongs to project demo: its operator lets the new project run it
  const granted = await request.post('/api/models/brain-tissue/grants', { headers: auth(t.operator), data: { project: slug } });
  expect(granted.status(), await granted.text()).toBeLessThan(300);
  return slug;
}

type RunBody = { run: { id: string; status: string; studyLabel: string; error: string | null } };

/** Polls a run until it has finished (succeeded, failed or cancelled); returns it. */
export async function waitFinished(request: APIRequestContext, token: string, runId: string, timeout = 300_000): Promise<RunBody['run']> {
  let current: RunBody['run'] | null = null;
  await expect
    .poll(
      async () => {
        current = ((await (await request.get(`/api/runs/${runId}`, { headers: auth(token) })).json()) as RunBody).run;
        return current.status;
      },
      { timeout, intervals: [2_000] },
    )
    .toMatch(/succeeded|failed|cancelled/);
  return current!;
}
