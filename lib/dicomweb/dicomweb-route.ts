import { z } from 'zod';
import type { GuardContext } from '../auth/guard';
import { route, type RouteHandler } from '../auth/route';
import { AppError } from '../errors';

const ZUid = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)*$/, 'is not a UID (digits and dots)')
  .max(64);

/** The path of a DICOMweb request: /dicomweb/<project>/studies/<study>/series/<series>/instances/<instance>/… */
export const ZDicomwebPath = z.object({
  project: z.string().min(1),
  study: ZUid.optional(),
  series: ZUid.optional(),
  instance: ZUid.optional(),
  frames: z.string().optional(),
  /** a top-level attribute's tag (bulk data), eight hex digits */
  tag: z
    .string()
    .regex(/^[0-9A-Fa-f]{8}$/, 'is not a tag (eight hex digits)')
    .optional(),
});
export type TDicomwebPath = z.infer<typeof ZDicomwebPath>;

/** a viewer's requests for one study are one read: audited once per user, study and 10 minutes */
export const DICOMWEB_AUDIT_WINDOW_S = 600;

function target(i: TDicomwebPath) {
  return i.study ? { type: 'dicom_study', id: i.study } : { type: 'project', id: i.project };
}

/** A DICOMweb read (QIDO-RS, WADO-RS) through the guard: dicomweb:read on the project of the path. */
export function dicomwebRead(handler: (ctx: GuardContext<TDicomwebPath, 'dicomweb:read'>, req: Request) => Promise<Response>): RouteHandler {
  return route(
    { action: 'dicomweb.read', permission: 'dicomweb:read', input: ZDicomwebPath, project: (i) => i.project, target, auditOncePerS: DICOMWEB_AUDIT_WINDOW_S },
    handler,
  );
}

/** A DICOMweb write (STOW-RS) through the guard: dicomweb:write on the project of the path; audited every time. */
export function dicomwebWrite(handler: (ctx: GuardContext<TDicomwebPath, 'dicomweb:write'>, req: Request) => Promise<Response>): RouteHandler {
  return route({ action: 'dicomweb.store', permission: 'dicomweb:write', input: ZDicomwebPath, project: (i) => i.project, target }, handler);
}

/** The project's DICOMweb root as the caller reached it (for RetrieveURL and BulkDataURI). */
export function dicomwebBase(req: Request, slug: string): string {
  return `${new URL(req.url).origin}/dicomweb/${encodeURIComponent(slug)}`;
}

export function dicomJsonResponse(body: unknown, more = false): Response {
  const headers = new Headers({ 'content-type': 'application/dicom+json' });
  if (more) headers.set('warning', '299 segflow "There are additional results that can be requested"');
  return new Response(JSON.stringify(body), { status: 200, headers });
}

export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} not found in this project's DICOMweb data`);
}
