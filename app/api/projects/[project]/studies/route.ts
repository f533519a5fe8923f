import { route } from '@/lib/auth/route';
import { listStudies } from '@/lib/studies/list-studies';
import { ZListStudiesQuery } from '@/lib/studies/list-studies-query';

/**
 * One page of the project's studies, newest first: `{ studies, nextCursor }` (pseudonymous fields
 * only); filters subject (pseudonym), modality, from, to; `cursor` from the previous page.
 */
export const GET = route({ action: 'study.list', permission: 'study:read', input: ZListStudiesQuery, project: (i) => i.project }, async (ctx) => {
  const { project: _project, ...filter } = ctx.input;
  return listStudies(ctx.tx, { projectId: ctx.project!.id, filter });
});
