import Link from 'next/link';
import { z } from 'zod';
import { DashboardView } from '@/components/dashboard/dashboard-view';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { can } from '@/lib/auth/permissions';
import { DASHBOARD_RANGES, ZDashboardRangeKey, type DashboardRangeKey } from '@/lib/dashboard/dashboard-range';
import { getDashboard } from '@/lib/dashboard/get-dashboard';
import { pickProject } from '@/lib/projects/pick-project';

type Search = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor();
  const sp = await searchParams;
  const project = pickProject(actor, 'dashboard:read', first(sp.project));
  const range: DashboardRangeKey = ZDashboardRangeKey.catch('7d').parse(first(sp.range));
  const res = await loadGuarded(
    {
      action: 'dashboard.read',
      permission: 'dashboard:read',
      input: z.object({ project: z.string().nullable(), range: ZDashboardRangeKey }),
      project: (i) => i.project,
    },
    { project, range },
    async (ctx) => getDashboard(ctx.tx, { projectId: ctx.project!.id, slug: ctx.project!.slug, range: ctx.input.range }),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  const projects = actor.memberships.filter((m) => can(m.role, 'dashboard:read')).map((m) => m.slug);
  const d = res.data;
  return (
    <>
      <h1>Dashboard · {d.project}</h1>
      <div className="dashboard-controls">
        <nav aria-label="Time range" className="segmented">
          {(Object.keys(DASHBOARD_RANGES) as DashboardRangeKey[]).map((k) => (
            <Link key={k} href={`/dashboard?project=${encodeURIComponent(d.project)}&range=${k}`} aria-current={k === range ? 'true' : undefined}>
              {DASHBOARD_RANGES[k].label}
            </Link>
          ))}
        </nav>
        {projects.length > 1 && (
          <form method="get" action="/dashboard" className="inline">
            <input type="hidden" name="range" value={range} />
            <label>
              Project{' '}
              <select name="project" defaultValue={d.project}>
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
        <span className="muted">
          {d.from.slice(0, 16).replace('T', ' ')} – {d.to.slice(0, 16).replace('T', ' ')} UTC · refreshes every 30 s
        </span>
      </div>
      <DashboardView key={`${d.project}:${range}`} project={d.project} range={range} initial={d} />
    </>
  );
}
