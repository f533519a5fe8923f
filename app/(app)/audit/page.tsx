import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { auditFilterParams, ZAuditListQuery } from '@/lib/audit/audit-query';
import { countPendingAuditEvents, listAuditEvents } from '@/lib/audit/list-audit-events';
import { verifyAuditChain } from '@/lib/audit/verify-audit-chain';
import { verifyAuditChainSinceCheckpoint } from '@/lib/audit/verify-since-checkpoint';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { pickProject } from '@/lib/projects/pick-project';

type Search = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const FILTERS = ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor();
  const sp = await searchParams;
  const project = pickProject(actor, 'audit:read', first(sp.project));
  const raw = Object.fromEntries(FILTERS.map((k) => [k, first(sp[k]) ?? '']));
  // each view checks the events since the newest signed checkpoint; the whole chain only when asked
  const full = first(sp.verify) === 'full';
  const res = await loadGuarded(
    { action: 'audit.view', permission: 'audit:read', input: ZAuditListQuery, project: (i) => i.project },
    { ...raw, project: project ?? '', cursor: first(sp.cursor) ?? '', limit: 100 },
    // the chain spans projects, so it is verified across them; only this project's events are listed
    async (ctx) => {
      const { project: _p, cursor, limit, ...filter } = ctx.input;
      return {
        slug: ctx.project!.slug,
        page: await listAuditEvents(ctx.tx, { projectId: ctx.project!.id, filter, cursor, limit }),
        chain: full ? { ...(await verifyAuditChain(ctx.tx)), since: null } : await verifyAuditChainSinceCheckpoint(ctx.tx),
        pending: await countPendingAuditEvents(ctx.tx),
      };
    },
  );
  if (!res.ok) return <PageError error={res} />;
  const { slug, page, chain, pending } = res.data;
  const kept = auditFilterParams(raw);
  const withProject = (extra: Record<string, string>) => {
    const q = new URLSearchParams(kept);
    q.set('project', slug);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  };
  const filtered = FILTERS.some((k) => raw[k]);
  return (
    <>
      <h1>Audit log · {slug}</h1>
      <p data-testid="chain-status" className={chain.ok ? 'ok' : 'error'}>
        {chain.ok
          ? chain.since
            ? `Hash chain intact since signed checkpoint ${chain.since.seq} (${chain.events} later events checked).`
            : `Hash chain intact (${chain.events} events${full ? ', the whole chain' : ''}).`
          : `Hash chain broken at event ${chain.badSeq}: ${chain.problem}`}
        {pending > 0 ? ` ${pending} recent ${pending === 1 ? 'read is' : 'reads are'} recorded and waiting to be linked into the chain.` : ''}{' '}
        {!full && <Link href={`/audit?${withProject({ verify: 'full' })}`}>Verify the whole chain</Link>}
      </p>
      <form method="get" action="/audit" className="card filters" aria-label="Filter the audit log">
        <input type="hidden" name="project" value={slug} />
        <label>
          Actor <input name="actor" defaultValue={raw.actor} placeholder="e-mail or user id" />
        </label>{' '}
        <label>
          Action <input name="action" defaultValue={raw.action} placeholder="run.cancel, or run. for all" />
        </label>{' '}
        <label>
          Target <input name="target" defaultValue={raw.target} placeholder="run or run:<id>" />
        </label>{' '}
        <label>
          Outcome{' '}
          <select name="outcome" defaultValue={raw.outcome}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="denied">denied</option>
            <option value="failure">failure</option>
          </select>
        </label>{' '}
        <label>
          From <input type="date" name="from" defaultValue={raw.from} />
        </label>{' '}
        <label>
          To <input type="date" name="to" defaultValue={raw.to} />
        </label>{' '}
        <button type="submit">Filter</button> {filtered && <Link href={`/audit?project=${encodeURIComponent(slug)}`}>Clear</Link>}
      </form>
      <p>
        Export {filtered ? 'these events' : 'the whole log'}:{' '}
        <a href={`/api/projects/${encodeURIComponent(slug)}/audit/export?${withProject({ format: 'jsonl' })}`} download>
          JSON Lines
        </a>{' '}
        ·{' '}
        <a href={`/api/projects/${encodeURIComponent(slug)}/audit/export?${withProject({ format: 'csv' })}`} download>
          CSV
        </a>
      </p>
      <p className="muted">
        # is the event&apos;s place in the hash chain. Reads are recorded at once and linked into the chain moments later, so a read may be numbered after a
        change made just after it; Time is when each happened.
      </p>
      {page.events.length === 0 ? (
        <EmptyState title="No events">{filtered ? 'No event matches these filters.' : 'Every sign-in-protected action is recorded here.'}</EmptyState>
      ) : (
        <table data-testid="audit-events">
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
            {page.events.map((e) => (
              <tr key={e.key}>
                <td>{e.seq ?? 'pending'}</td>
                <td className="nowrap">{e.at.toISOString().replace('T', ' ').slice(0, 19)}</td>
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
      {page.nextCursor !== null && (
        <p>
          <Link href={`/audit?${withProject({ cursor: String(page.nextCursor) })}`}>Older events →</Link>
        </p>
      )}
    </>
  );
}
