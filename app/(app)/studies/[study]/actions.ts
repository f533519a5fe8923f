'use server';
import { z } from 'zod';
import { action } from '@/lib/auth/action';
import { getStudyIdentity } from '@/lib/studies/get-study-identity';
import { projectOfStudy } from '@/lib/uploads/get-study-summary';

/** Reveals a study's identifying header values (PHI): researchers and admins of its project, audited. */
export const revealStudyIdentityAction = action(
  {
    action: 'phi.read',
    permission: 'phi:read',
    input: z.object({ study: z.uuid() }),
    project: (i, db) => projectOfStudy(db, i.study),
    target: (i) => ({ type: 'study', id: i.study }),
  },
  async (ctx) => getStudyIdentity(ctx.tx, { studyId: ctx.input.study, projectId: ctx.project!.id }),
);
