import { z } from 'zod';
import { PageError } from '@/components/ui/page-error';
import { UploadPanel } from '@/components/upload/upload-panel';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { pickProject } from '@/lib/projects/pick-project';

export default async function UploadPage({ searchParams }: { searchParams: Promise<{ project?: string; study?: string }> }) {
  const actor = await requirePageActor();
  const query = await searchParams;
  const project = pickProject(actor, 'study:upload', query.project);
  // a study id that is not the project's is refused by the API when the upload is opened
  const study = query.study && /^[0-9a-f-]{36}$/i.test(query.study) ? query.study : undefined;
  const res = await loadGuarded(
    { action: 'upload.page', permission: 'study:upload', input: z.object({ project: z.string().nullable() }), project: (i) => i.project },
    { project },
    async (ctx) => ({ slug: ctx.project?.slug ?? null }),
  );
  if (!res.ok || !res.data.slug) return <PageError error={res.ok ? { code: 'forbidden', message: 'you are not a researcher of any project' } : res} />;
  return (
    <>
      <h1>{study ? 'Add files to a study' : 'Upload a study'}</h1>
      <p>Files are checked (SHA-256) and sent straight to storage; nothing goes through the app server.</p>
      <UploadPanel project={res.data.slug} study={study} />
    </>
  );
}
