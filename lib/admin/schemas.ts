/** The inputs of administration (REST, server actions and CLI share them); messages name the problem in the user's words. */
import { z } from 'zod';
import { ROLES } from '../auth/permissions';

export const ZSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'expected lowercase letters, digits and dashes (2–63 characters)')
  // a project is named by id or slug everywhere: a slug that reads as a project id would be ambiguous
  .refine((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s), 'a slug must not look like a project id (a UUID)');
export const ZEmail = z.email({ error: 'expected an email address' }).transform((e) => e.toLowerCase());
export const ZName = z.string().trim().min(1, 'expected a name').max(200, 'at most 200 characters');
export const ZRole = z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` });
export const ZPassword = z.string().min(12, 'the password must have at least 12 characters').max(1024, 'at most 1024 characters');
/** a user named by id or by email (the CLI names them by email) */
export const ZUserRef = z.string().trim().min(1, 'expected a user id or email');
