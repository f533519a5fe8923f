import Link from 'next/link';
import { z } from 'zod';
import { RunsFilterForm, type RunsFilterValues } from '@/components/runs/runs-filter-form';
import { RunsTable } from '@/components/runs/runs-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { can } from '@/lib/auth/permissions';
import { listModels } from '@/lib/models/list-models';
import { pickProject } from '@/lib/projects/pick-project';
import { listRuns } from '@/lib/runs/list-runs';
import { ZRunsFilter } from '@/lib/runs/list-runs-query';

type Search = Record<string, string | string[] | undefined>;
const FILTER_KEYS = ['status', 'model', 'version', 'study', 'submitter', 'warnings', 'from', 'to'] as const;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A link to this page with these query values (empty ones dropped). */
function href(values: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) q.set(k, v);
  return `/runs?${q.toString()}`;
}

export default async function RunsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor();
  const sp = await searchParams;
  const project = pickProject(actor, 'run:read', first(sp.project));
  const values: RunsFilterValues = Object.fromEntries(FILTER_KEYS.map((k) => [k, first(sp[k])]));
  const cursor = first(sp.cursor);
  const res = await loadGuarded(
    { action: 'run.list', permission: 'run:read', input: z.intersection(z.object({ project: z.string().nullable() }), ZRunsFilter), project: (i) => i.project },
    { project, ...values, cursor },
    async (ctx) => {
      const { project: _p, ...filter } = ctx.input;
      const page = ctx.project
        ? await listRuns(ctx.tx, { projectId: ctx.project.id, seeShadow: can(ctx.role, 'promotion:read'), filter })
        : { runs: [], nextCursor: null };
      return { ...page, slug: ctx.project?.slug ?? '', linkStudies: can(ctx.role, 'study:read'), models: (await listModels(ctx.tx)).map((m) => m.name) };
    },
  );
  if (!res.ok && res.code !== 'invalid_input') return <PageError error={res} />;
  const filtered = FILTER_KEYS.some((k) => values[k]);
  return (
    <>
      <h1>Runs</h1>
      <RunsFilterForm project={res.ok ? res.data.slug : (project ?? '')} values={values} models={res.ok ? res.data.models : []} />
      {!res.ok ? (
        <p className="error" role="alert">
          {res.message}
        </p>
      ) : res.data.runs.length === 0 ? (
        filtered || cursor ? (
          <EmptyState title="No runs match">No run of this project matches these filters. Clear them to see every run.</EmptyState>
        ) : (
          <EmptyState title="No runs yet">
            Runs appear here once a study is submitted to a segmentation model: open a study and choose Segment on a series or volume.
          </EmptyState>
        )
      ) : (
        <>
          <RunsTable runs={res.data.runs} linkStudies={res.data.linkStudies} />
          <nav className="pager" aria-label="Pages">
            {cursor && <Link href={href({ project: res.data.slug, ...values })}>First page</Link>}
            {res.data.nextCursor && <Link href={href({ project: res.data.slug, ...values, cursor: res.data.nextCursor })}>Next page</Link>}
          </nav>
        </>
      )}
    </>
  );
}
