import Link from 'next/link';
import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { pickProject } from '@/lib/projects/pick-project';
import { listStudies } from '@/lib/studies/list-studies';

export default async function StudiesPage({ searchParams }: { searchParams: Promise<{ project?: string }> }) {
  const actor = await requirePageActor();
  const project = pickProject(actor, 'study:read', (await searchParams).project);
  const res = await loadGuarded(
    { action: 'study.list', permission: 'study:read', input: z.object({ project: z.string().nullable() }), project: (i) => i.project },
    { project },
    async (ctx) => ({ slug: ctx.project?.slug ?? '', studies: ctx.project ? await listStudies(ctx.tx, { projectId: ctx.project.id }) : [] }),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  const { slug, studies } = res.data;
  return (
    <>
      <h1>Studies</h1>
      <p>
        <Link className="button" href={`/studies/upload?project=${slug}`}>
          Upload a study
        </Link>
      </p>
      {studies.length === 0 ? (
        <EmptyState title="No studies yet">
          Upload a DICOM series (a folder or a .zip) or a NIfTI volume; it goes straight to storage and is indexed here.
        </EmptyState>
      ) : (
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
            {studies.map((s) => (
              <tr key={s.id}>
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
      )}
    </>
  );
}
