import Link from 'next/link';
import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { pickProject } from '@/lib/projects/pick-project';
import { listStudies } from '@/lib/studies/list-studies';
import { ZStudiesFilter } from '@/lib/studies/list-studies-query';

type Search = Record<string, string | string[] | undefined>;
const FILTER_KEYS = ['subject', 'modality', 'from', 'to'] as const;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** A link to this page with these query values (empty ones dropped). */
function href(values: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) q.set(k, v);
  return `/studies?${q.toString()}`;
}

export default async function StudiesPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor();
  const sp = await searchParams;
  const project = pickProject(actor, 'study:read', first(sp.project));
  const values = Object.fromEntries(FILTER_KEYS.map((k) => [k, first(sp[k])])) as Record<(typeof FILTER_KEYS)[number], string | undefined>;
  const cursor = first(sp.cursor);
  const res = await loadGuarded(
    {
      action: 'study.list',
      permission: 'study:read',
      input: z.intersection(z.object({ project: z.string().nullable() }), ZStudiesFilter),
      project: (i) => i.project,
    },
    { project, ...values, cursor },
    async (ctx) => {
      const { project: _p, ...filter } = ctx.input;
      const page = ctx.project ? await listStudies(ctx.tx, { projectId: ctx.project.id, filter }) : { studies: [], nextCursor: null };
      return { ...page, slug: ctx.project?.slug ?? '' };
    },
  );
  if (!res.ok && res.code !== 'invalid_input') return <PageError error={res} />;
  const slug = res.ok ? res.data.slug : (project ?? '');
  const filtered = FILTER_KEYS.some((k) => values[k]);
  return (
    <>
      <h1>Studies</h1>
      <p>
        <Link className="button" href={`/studies/upload?project=${slug}`}>
          Upload a study
        </Link>
      </p>
      <form method="get" action="/studies" className="filters" aria-label="Filter studies">
        <input type="hidden" name="project" value={slug} />
        <label>
          Subject
          <input name="subject" defaultValue={values.subject ?? ''} placeholder="any pseudonym" size={14} />
        </label>
        <label>
          Modality
          <input name="modality" defaultValue={values.modality ?? ''} placeholder="any" size={5} />
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={values.from ?? ''} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={values.to ?? ''} />
        </label>
        <button type="submit" className="secondary">
          Filter
        </button>
        {filtered && <Link href={href({ project: slug })}>Clear</Link>}
      </form>
      {!res.ok ? (
        <p className="error" role="alert">
          {res.message}
        </p>
      ) : res.data.studies.length === 0 ? (
        filtered || cursor ? (
          <EmptyState title="No studies match">No study of this project matches these filters. Clear them to see every study.</EmptyState>
        ) : (
          <EmptyState title="No studies yet">
            Upload a DICOM series (a folder or a .zip) or a NIfTI volume; it goes straight to storage and is indexed here.
          </EmptyState>
        )
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th>Study</th>
                <th>Subject</th>
                <th>Series</th>
                <th>Modalities</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {res.data.studies.map((s) => (
                <tr key={s.id} data-testid="study-row">
                  <td>
                    <Link href={`/studies/${s.id}`}>{s.label}</Link>
                  </td>
                  <td className="mono">{s.subjectPseudonym ?? '—'}</td>
                  <td>{s.seriesCount}</td>
                  <td>{s.modalities.join(', ')}</td>
                  <td>{s.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Pages">
            {cursor && <Link href={href({ project: slug, ...values })}>First page</Link>}
            {res.data.nextCursor && <Link href={href({ project: slug, ...values, cursor: res.data.nextCursor })}>Next page</Link>}
          </nav>
        </>
      )}
    </>
  );
}
