import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { countPendingAuditEvents, listAuditEvents } from '@/lib/audit/list-audit-events';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { pickProject } from '@/lib/projects/pick-project';

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ project?: string }> }) {
  const actor = await requirePageActor();
  const project = pickProject(actor, 'audit:read', (await searchParams).project);
  const res = await loadGuarded(
    { action: 'audit.view', permission: 'audit:read', input: z.object({ project: z.string().nullable() }), project: (i) => i.project },
    { project },
    // the chain is verified whole (its hashes span projects); only this project's events are listed
    async (ctx) => ({
      slug: ctx.project!.slug,
      events: await listAuditEvents(ctx.tx, { projectId: ctx.project!.id }),
      chain: await verifyAuditChain(ctx.tx),
      pending: await countPendingAuditEvents(ctx.tx),
    }),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  const { slug, events, chain, pending } = res.data;
  return (
    <>
      <h1>Audit log · {slug}</h1>
      <p data-testid="chain-status" className={chain.ok ? 'ok' : 'error'}>
        {chain.ok ? `Hash chain intact (${chain.events} events).` : `Hash chain broken at event ${chain.badSeq}: ${chain.problem}`}
        {pending > 0 ? ` ${pending} recent ${pending === 1 ? 'read is' : 'reads are'} recorded and waiting to be linked into the chain.` : ''}
      </p>
      {events.length === 0 ? (
        <EmptyState title="No events">Every sign-in-protected action is recorded here.</EmptyState>
      ) : (
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Outcome</th>
              <th>Hash</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.key}>
                <td>{e.seq ?? 'pending'}</td>
                <td>{e.at.toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td>{e.actorLabel}</td>
                <td className="mono">{e.action}</td>
                <td className="mono">{e.targetType ? `${e.targetType}:${e.targetId ?? ''}` : ''}</td>
                <td className={e.outcome === 'success' ? 'ok' : 'error'}>{e.outcome}</td>
                <td className="mono">{e.hash ? e.hash.slice(0, 12) : 'not yet chained'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
