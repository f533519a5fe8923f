import type { GuardContext } from '../auth/guard';
import { AppError } from '../errors';
import { dicomwebBase, type TDicomwebPath } from './dicomweb-route';
import { storeInstances } from './store-instances';

/** One STOW-RS request: the body read whole, stored part by part, answered with the store's DICOM JSON. */
export async function stowResponse(ctx: GuardContext<TDicomwebPath, 'dicomweb:write'>, req: Request): Promise<Response> {
  if (!/^multipart\/related/i.test(req.headers.get('content-type') ?? '')) {
    throw new AppError('unsupported', 'Content-Type: STOW-RS takes multipart/related; type="application/dicom"');
  }
  const r = await storeInstances(ctx.tx, {
    projectId: ctx.project!.id,
    userId: ctx.actor.userId,
    pathStudy: ctx.input.study,
    contentType: req.headers.get('content-type'),
    body: new Uint8Array(await req.arrayBuffer()),
    baseUrl: dicomwebBase(req, ctx.project!.slug),
  });
  ctx.auditDetails.stored = r.stored;
  ctx.auditDetails.failed = r.failed;
  return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/dicom+json' } });
}
