import { route } from '@/lib/auth/route';
import { createProjectOp, listProjectsOp } from '@/lib/admin/project-admin';

/** The projects you administer; POST creates one, which you then administer. */
export const GET = route(listProjectsOp.spec, listProjectsOp.run);
export const POST = route(createProjectOp.spec, createProjectOp.run);
