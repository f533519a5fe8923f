import { route } from '@/lib/auth/route';
import { updateProjectOp } from '@/lib/admin/project-admin';

/** Renames a project ({ name }) or archives / unarchives it ({ archived }); its admins only. */
export const PATCH = route(updateProjectOp.spec, updateProjectOp.run);
