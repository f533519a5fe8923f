import { route } from '@/lib/auth/route';
import { getStudySummary, projectOfStudy } from '@/lib/uploads/get-study-summary';
import { ZStudyRef } from '@/lib/uploads/schemas';

/** A study's series and volumes (pseudonymous fields only). */
export const GET = route(
  {
    action: 'study.read',
    permission: 'study:read',
    input: ZStudyRef,
    project: (i, db) => projectOfStudy(db, i.study),
    target: (i) => ({ type: 'study', id: i.study }),
  },
  async (ctx) => getStudySummary(ctx.tx, { studyId: ctx.input.study, projectId: ctx.project!.id }),
);
