import { z } from 'zod';
import { WebhookDeliveryLog } from '@/components/settings/webhook-delivery-log';
import { WebhookManager } from '@/components/settings/webhook-manager';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { can } from '@/lib/auth/permissions';
import { pickProject } from '@/lib/projects/pick-project';
import { WEBHOOK_EVENTS } from '@/lib/webhooks/events';
import { listWebhookDeliveries } from '@/lib/webhooks/list-deliveries';
import { listWebhooks } from '@/lib/webhooks/manage-webhooks';
import { createWebhookAction, deleteWebhookAction, pingWebhookAction, redeliverWebhookAction } from './actions';

type Search = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function ProjectSettingsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor();
  const project = pickProject(actor, 'project:manage', first((await searchParams).project));
  const res = await loadGuarded(
    { action: 'webhook.list', permission: 'project:manage', input: z.object({ project: z.string().nullable() }), project: (i) => i.project },
    { project },
    async (ctx) => ({
      slug: ctx.project!.slug,
      hooks: await listWebhooks(ctx.tx, ctx.project!.id),
      log: await listWebhookDeliveries(ctx.tx, { projectId: ctx.project!.id, limit: 50 }),
    }),
  );
  if (!res.ok) return <PageError error={res} />;
  const projects = actor.memberships.filter((m) => can(m.role, 'project:manage')).map((m) => m.slug);
  return (
    <>
      <h1>Project settings · {res.data.slug}</h1>
      {projects.length > 1 && (
        <form method="get" action="/settings/project" className="inline">
          <label>
            Project{' '}
            <select name="project" defaultValue={res.data.slug}>
              {projects.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit" className="secondary">
            Show
          </button>
        </form>
      )}
      <h2>Webhooks</h2>
      <p className="muted">
        segflow POSTs a JSON body to each URL when a chosen event happens in this project, signed with the hook&apos;s secret: header{' '}
        <span className="mono">Segflow-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of &quot;t.body&quot;&gt;</span>. A delivery that does not get a
        2xx answer is retried with backoff (30 s, 1 min, 2 min … up to an hour between tries).
      </p>
      <WebhookManager
        project={res.data.slug}
        hooks={res.data.hooks}
        events={Object.entries(WEBHOOK_EVENTS).map(([name, description]) => ({ name, description }))}
        createWebhookAction={createWebhookAction}
        deleteWebhookAction={deleteWebhookAction}
        pingWebhookAction={pingWebhookAction}
      />
      <h2>Deliveries</h2>
      <WebhookDeliveryLog project={res.data.slug} deliveries={res.data.log.deliveries} redeliverAction={redeliverWebhookAction} />
    </>
  );
}
