import Link from 'next/link';
import { DashboardView } from '@/components/dashboard/dashboard-view';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { can } from '@/lib/auth/permissions';
import { DASHBOARD_RANGES, rangeQueryOf, rangeSpecOf, type DashboardRangeKey } from '@/lib/dashboard/dashboard-range';
import { getDashboard } from '@/lib/dashboard/get-dashboard';
import { ZDashboardPageQuery } from '@/lib/dashboard/schemas';
import { pickProject } from '@/lib/projects/pick-project';

type Search = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v || undefined);

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor();
  const sp = await searchParams;
  const project = pickProject(actor, 'dashboard:read', first(sp.project));
  const asked = { project, range: first(sp.range), from: first(sp.from), to: first(sp.to) };
  const res = await loadGuarded(
    { action: 'dashboard.read', permission: 'dashboard:read', input: ZDashboardPageQuery, project: (i) => i.project },
    asked,
    async (ctx) => {
      const spec = rangeSpecOf(ctx.input);
      return { spec, d: await getDashboard(ctx.tx, { projectId: ctx.project!.id, slug: ctx.project!.slug, range: spec }) };
    },
  );
  // a bad custom range: the controls stay, with the one problem named, and no charts
  const badRange = !res.ok && res.code === 'invalid_input' && /^(range|from|to):/.test(res.message) ? res.message : null;
  if (!res.ok && !badRange) return <PageError error={res} />;
  const d = res.ok ? res.data.d : null;
  const spec = res.ok ? res.data.spec : null;
  const slug = d?.project ?? project ?? '';
  const projects = actor.memberships.filter((m) => can(m.role, 'dashboard:read')).map((m) => m.slug);
  return (
    <>
      <h1>Dashboard · {slug}</h1>
      <div className="dashboard-controls">
        <nav aria-label="Time range" className="segmented">
          {(Object.keys(DASHBOARD_RANGES) as DashboardRangeKey[]).map((k) => (
            <Link key={k} href={`/dashboard?project=${encodeURIComponent(slug)}&range=${k}`} aria-current={k === d?.range ? 'true' : undefined}>
              {DASHBOARD_RANGES[k].label}
            </Link>
          ))}
        </nav>
        <form method="get" action="/dashboard" className="inline" aria-label="Custom range">
          <input type="hidden" name="project" value={slug} />
          <input type="hidden" name="range" value="custom" />
          <label>
            From <input type="date" name="from" defaultValue={asked.from ?? d?.from.slice(0, 10)} />
          </label>{' '}
          <label>
            to <input type="date" name="to" defaultValue={asked.to ?? (d ? lastDayOf(d.to) : undefined)} />
          </label>{' '}
          <button type="submit" className="secondary" aria-current={d?.range === 'custom' ? 'true' : undefined}>
            Show range
          </button>
        </form>
        {projects.length > 1 && (
          <form method="get" action="/dashboard" className="inline">
            {spec && [...new URLSearchParams(rangeQueryOf(spec))].map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
            <label>
              Project{' '}
              <select name="project" defaultValue={slug}>
                {projects.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="secondary">
              Show
            </button>
          </form>
        )}
        {d && (
          <span className="muted">
            {d.from.slice(0, 16).replace('T', ' ')} – {d.to.slice(0, 16).replace('T', ' ')} UTC · refreshes every 30 s
          </span>
        )}
      </div>
      {badRange && (
        <p className="error" role="alert" data-testid="range-error">
          {badRange}
        </p>
      )}
      {d && spec && <DashboardView key={`${d.project}:${rangeQueryOf(spec)}`} project={d.project} range={spec} initial={d} />}
    </>
  );
}

/** The last day a range ending at `to` covers: a custom range's `to` is the midnight after its last day. */
function lastDayOf(to: string): string {
  return new Date(Date.parse(to) - 1).toISOString().slice(0, 10);
}
