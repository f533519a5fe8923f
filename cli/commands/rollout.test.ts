/**
 * `segflow rollout` as child processes against the real route handlers: shadow → request → approve
 * (by another operator) walks a version through its gates, a rollback takes a candidate off,
 * promote-back puts the earlier live version back, and `rollout history --at` names what was live
 * at each moment. The same rules as the Promotions page: the requester cannot approve.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as shadowRoute from '@/app/api/models/[model]/rollout/shadow/route';
import * as requestRoute from '@/app/api/models/[model]/rollout/request/route';
import * as approveRoute from '@/app/api/models/[model]/rollout/approve/route';
import * as rejectRoute from '@/app/api/models/[model]/rollout/reject/route';
import * as rollbackRoute from '@/app/api/models/[model]/rollout/rollback/route';
import * as grantsRoute from '@/app/api/models/[model]/grants/route';
import * as promoteBackRoute from '@/app/api/models/[model]/rollout/promote-back/route';
import * as historyRoute from '@/app/api/models/[model]/history/route';
import { studies } from '@/db/schema';
import { closeDb, getDb } from '@/lib/db';
import { rollBackCandidate } from '@/lib/rollout/roll-back-candidate';
import { addRuns, createDeployment, createOperator, type Deployment } from '@/lib/rollout/test/scenario';
import { startRouteServer } from '@/test/route-server';
import { runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';

const M = '([^/]+)';
let server: Awaited<ReturnType<typeof startRouteServer>>;
let tp: TestProject;
let second: { id: string; token: string };
let d: Deployment;

const cli = (token: string, args: string[]) => runCli(['rollout', ...args], { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: token });
const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
const liveAt = async (at: Date) => {
  const r = await cli(tp.users.researcher.token, ['history', '--model', d.name, '--at', at.toISOString()]);
  expect(r.code, r.stderr).toBe(0);
  return last(r.stdout) as { live: { version: string } | null; canary: { version: string; percent: number } | null; shadow: { version: string } | null };
};

beforeAll(async () => {
  const db = getDb();
  tp = await createTestProject(db);
  second = await createOperator(db, tp);
  d = await createDeployment(db, { registeredBy: null, ownerProjectId: tp.id });
  const [study] = await db
    .insert(studies)
    .values({ projectId: tp.id, label: `R-${randomBytes(4).toString('hex')}` })
    .returning();
  await addRuns(db, tp, study.id, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
  const r = (op: string, mod: { POST: unknown }) => ['POST', new RegExp(`^/api/models/${M}/rollout/${op}$`), ['model'], mod.POST];
  server = await startRouteServer([
    r('shadow', shadowRoute),
    r('request', requestRoute),
    r('approve', approveRoute),
    r('reject', rejectRoute),
    r('rollback', rollbackRoute),
    r('promote-back', promoteBackRoute),
    ['GET', new RegExp(`^/api/models/${M}/history$`), ['model'], historyRoute.GET],
    ['POST', new RegExp(`^/api/models/${M}/grants$`), ['model'], grantsRoute.POST],
    ['DELETE', new RegExp(`^/api/models/${M}/grants$`), ['model'], grantsRoute.DELETE],
  ] as never);
});
afterAll(async () => {
  await server?.close();
  await closeDb();
});

describe('segflow rollout', () => {
  it('requests a passing shadow, refuses the requester as approver, and another operator approves it onto the canary', async () => {
    const before = new Date();
    const req = await cli(tp.users.operator.token, ['request', '--model', d.name, '--version', '1.1.0', '--note', 'looks good']);
    expect(req.code, req.stderr).toBe(0);
    expect(last(req.stdout)).toMatchObject({ version: '1.1.0', requested: { stage: 'canary' } });

    const self = await cli(tp.users.operator.token, ['approve', '--model', d.name, '--version', '1.1.0', '--reason', 'mine']);
    expect(self.code).not.toBe(0);
    expect(self.stderr).toMatch(/request|approve/i);

    // declined: nothing waits for approval until it is requested again
    const rejected = await cli(second.token, ['reject', '--model', d.name, '--version', '1.1.0', '--reason', 'wait for the reviews']);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(last(rejected.stdout)).toMatchObject({ rejected: 'shadow' });
    const closed = await cli(second.token, ['approve', '--model', d.name, '--version', '1.1.0', '--reason', 'x']);
    expect(closed.stderr).toMatch(/no promotion of .*@1\.1\.0 is waiting for approval/);
    expect((await cli(tp.users.operator.token, ['request', '--model', d.name, '--version', '1.1.0'])).code).toBe(0);

    const ok = await cli(second.token, ['approve', '--model', d.name, '--version', '1.1.0', '--reason', 'gate passed, reviewed']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(last(ok.stdout)).toMatchObject({ to: { stage: 'canary' } });

    // history: before the approval 1.1.0 was the shadow, now it is the canary; 1.0.0 stays live
    expect(await liveAt(before)).toMatchObject({ live: { version: '1.0.0' }, shadow: { version: '1.1.0' }, canary: null });
    expect(await liveAt(new Date())).toMatchObject({ live: { version: '1.0.0' }, shadow: null, canary: { version: '1.1.0' } });
  });

  it('rolls the canary back, puts it into shadow again, and refuses a rollback of the live version naming why', async () => {
    const back = await cli(tp.users.operator.token, ['rollback', '--model', d.name, '--version', '1.1.0', '--reason', 'drift on site B']);
    expect(back.code, back.stderr).toBe(0);
    expect(last(back.stdout)).toMatchObject({ rolledBack: 'canary' });
    expect(await liveAt(new Date())).toMatchObject({ live: { version: '1.0.0' }, canary: null, shadow: null });

    const live = await cli(tp.users.operator.token, ['rollback', '--model', d.name, '--version', '1.0.0', '--reason', 'no']);
    expect(live.code).not.toBe(0);
    expect(live.stderr).toMatch(/1\.0\.0 is the live version: only the shadow or canary version can be rolled back/);

    const shadow = await cli(tp.users.operator.token, ['shadow', '--model', d.name, '--version', '1.1.0', '--reason', 'again, after the fix']);
    expect(shadow.code, shadow.stderr).toBe(0);
    expect(await liveAt(new Date())).toMatchObject({ shadow: { version: '1.1.0' } });
    await getDb().transaction((tx) => rollBackCandidate(tx, { modelId: d.modelId, stage: 'shadow', actorId: null, reason: 'test' }));
  });

  it('promote-back puts an earlier live version back in one step; a version never live is refused', async () => {
    const { setSlotVersion } = await import('@/lib/models/set-slot-version');
    await getDb().transaction((tx) => setSlotVersion(tx, { modelId: d.modelId, versionId: d.candidate.id, stage: 'live', reason: 'test: 1.1.0 went live' }));
    const whileNewLive = new Date();
    expect(await liveAt(whileNewLive)).toMatchObject({ live: { version: '1.1.0' } });

    const noReason = await cli(tp.users.operator.token, ['promote-back', '--model', d.name, '--version', '1.0.0', '--reason', ' ']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toMatch(/reason/);

    const back = await cli(tp.users.operator.token, ['promote-back', '--model', d.name, '--version', '1.0.0', '--reason', '1.1.0 misses small lesions']);
    expect(back.code, back.stderr).toBe(0);
    expect(last(back.stdout)).toMatchObject({ version: '1.0.0', stage: 'live', replaced: d.candidate.id });
    expect(await liveAt(new Date())).toMatchObject({ live: { version: '1.0.0' } });
    // the past stays answerable
    expect(await liveAt(whileNewLive)).toMatchObject({ live: { version: '1.1.0' } });

    const never = await cli(tp.users.operator.token, ['promote-back', '--model', d.name, '--version', '9.9.9', '--reason', 'x']);
    expect(never.code).not.toBe(0);
    expect(never.stderr).toMatch(/has no version 9\.9\.9/);
  });

  it('refuses a researcher (403) and names a bad --at', async () => {
    const r = await cli(tp.users.researcher.token, ['rollback', '--model', d.name, '--version', '1.0.0', '--reason', 'x']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/where your role \(researcher\) does not allow promotion:approve/);
    const bad = await cli(tp.users.researcher.token, ['history', '--model', d.name, '--at', 'yesterday']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--at: yesterday is not a time/);
  });

  it('refuses an operator of another project any change of the model, until a grant that still changes nothing of its slot', async () => {
    const other = await createTestProject(getDb());
    const cross = await cli(other.users.operator.token, ['rollback', '--model', d.name, '--version', '1.1.0', '--reason', 'x']);
    expect(cross.code).not.toBe(0);
    expect(cross.stderr).toContain(`model ${d.name} belongs to project ${tp.slug}: only its operators and admins may do this`);
    const models = (token: string, args: string[]) => runCli(['models', ...args], { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: token });
    const selfGrant = await models(other.users.operator.token, ['grant', '--model', d.name, '--project', other.slug]);
    expect(selfGrant.code).not.toBe(0);
    expect(selfGrant.stderr).toContain(`belongs to project ${tp.slug}`);
    const grant = await models(tp.users.operator.token, ['grant', '--model', d.name, '--project', other.slug]);
    expect(grant.code, grant.stderr).toBe(0);
    expect(last(grant.stdout)).toMatchObject({ model: d.name, project: other.slug, granted: true });
    const still = await cli(other.users.operator.token, ['rollback', '--model', d.name, '--version', '1.1.0', '--reason', 'x']);
    expect(still.stderr).toContain(`belongs to project ${tp.slug}`);
    const revoke = await models(tp.users.admin.token, ['revoke', '--model', d.name, '--project', other.slug]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(last(revoke.stdout)).toMatchObject({ granted: false });
  });
});
