import { z } from 'zod';
import { Forbidden } from '@/components/ui/forbidden';
import { UploadPanel } from '@/components/upload/upload-panel';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { pickProject } from '@/lib/projects/pick-project';

export default async function UploadPage({ searchParams }: { searchParams: Promise<{ project?: string }> }) {
  const actor = await requirePageActor();
  const project = pickProject(actor, 'study:upload', (await searchParams).project);
  const res = await loadGuarded(
    { action: 'upload.page', permission: 'study:upload', input: z.object({ project: z.string().nullable() }), project: (i) => i.project },
    { project },
    async (ctx) => ({ slug: ctx.project?.slug ?? null }),
  );
  if (!res.ok || !res.data.slug) return <Forbidden message={res.ok ? 'you are not a researcher of any project' : res.message} />;
  return (
    <>
      <h1>Upload a study</h1>
      <p>Files are checked (SHA-256) and sent straight to storage; nothing goes through the app server.</p>
      <UploadPanel project={res.data.slug} />
    </>
  );
}
