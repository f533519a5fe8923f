import type { Db } from '../lib/db';
import type { MatrixRow } from './endpoint-matrix';
import type { TestProject } from './test-project';

/** a public address (TEST-NET-3, documentation only): passes the URL check without DNS, never reached */
const HOOK_URL = 'https://203.0.113.10/segflow-hook';

async function newWebhook(db: Db, project: TestProject) {
  const { createWebhook } = await import('../lib/webhooks/manage-webhooks');
  return createWebhook(db, { projectId: project.id, url: HOOK_URL, events: ['run.failed'], createdBy: project.users.admin.id });
}

/** a queued delivery of a new hook of the project: what a redelivery copies */
async function newDelivery(db: Db, project: TestProject) {
  const { webhookDeliveries } = await import('../db/schema');
  const hook = await newWebhook(db, project);
  const [d] = await db
    .insert(webhookDeliveries)
    .values({ webhookId: hook.id, projectId: project.id, event: 'run.failed', body: '{}', nextAttemptAt: new Date('2100-01-01T00:00:00Z') })
    .returning();
  return d;
}

/** Rows of the webhook endpoints (issue 9): project admins only (project:manage); added by endpoint-matrix.ts. */
export function addWebhookRows(matrix: Record<string, MatrixRow>): void {
  const admins: MatrixRow['allowed'] = ['admin'];
  matrix['app/api/projects/[project]/webhooks/route.ts#GET'] = {
    permission: 'project:manage',
    allowed: admins,
    projectScoped: true,
    input: async (_db, project) => ({ method: 'GET', path: `/api/projects/${project.slug}/webhooks`, params: { project: project.slug } }),
  };
  const create: MatrixRow['input'] = async (_db, project) => ({
    method: 'POST',
    path: `/api/projects/${project.slug}/webhooks`,
    params: { project: project.slug },
    body: { project: project.slug, url: HOOK_URL, events: ['run.failed', 'upload.rejected'] },
  });
  matrix['app/api/projects/[project]/webhooks/route.ts#POST'] = {
    permission: 'project:manage',
    allowed: admins,
    projectScoped: true,
    success: 201,
    input: create,
  };
  matrix['app/(app)/settings/project/actions.ts#createWebhookAction'] = { permission: 'project:manage', allowed: admins, projectScoped: true, input: create };
  const remove: MatrixRow['input'] = async (db, project) => {
    const hook = await newWebhook(db, project);
    return {
      method: 'DELETE',
      path: `/api/projects/${project.slug}/webhooks/${hook.id}`,
      params: { project: project.slug, webhook: hook.id },
      body: { project: project.slug, webhook: hook.id },
    };
  };
  matrix['app/api/projects/[project]/webhooks/[webhook]/route.ts#DELETE'] = {
    permission: 'project:manage',
    allowed: admins,
    projectScoped: true,
    input: remove,
  };
  matrix['app/(app)/settings/project/actions.ts#deleteWebhookAction'] = { permission: 'project:manage', allowed: admins, projectScoped: true, input: remove };
  const ping: MatrixRow['input'] = async (db, project) => {
    const hook = await newWebhook(db, project);
    return {
      method: 'POST',
      path: `/api/projects/${project.slug}/webhooks/${hook.id}/ping`,
      params: { project: project.slug, webhook: hook.id },
      body: { project: project.slug, webhook: hook.id },
    };
  };
  matrix['app/api/projects/[project]/webhooks/[webhook]/ping/route.ts#POST'] = {
    permission: 'project:manage',
    allowed: admins,
    projectScoped: true,
    success: 201,
    input: ping,
  };
  matrix['app/(app)/settings/project/actions.ts#pingWebhookAction'] = { permission: 'project:manage', allowed: admins, projectScoped: true, input: ping };
  matrix['app/api/projects/[project]/webhooks/deliveries/route.ts#GET'] = {
    permission: 'project:manage',
    allowed: admins,
    projectScoped: true,
    input: async (_db, project) => ({ method: 'GET', path: `/api/projects/${project.slug}/webhooks/deliveries`, params: { project: project.slug } }),
  };
  const redeliver: MatrixRow['input'] = async (db, project) => {
    const d = await newDelivery(db, project);
    return {
      method: 'POST',
      path: `/api/projects/${project.slug}/webhooks/deliveries/${d.id}/redeliver`,
      params: { project: project.slug, delivery: d.id },
      body: { project: project.slug, delivery: d.id },
    };
  };
  matrix['app/api/projects/[project]/webhooks/deliveries/[delivery]/redeliver/route.ts#POST'] = {
    permission: 'project:manage',
    allowed: admins,
    projectScoped: true,
    success: 201,
    input: redeliver,
  };
  matrix['app/(app)/settings/project/actions.ts#redeliverWebhookAction'] = {
    permission: 'project:manage',
    allowed: admins,
    projectScoped: true,
    input: redeliver,
  };
}
