import { dicomwebBase, dicomwebRead } from '@/lib/dicomweb/dicomweb-route';
import { findInstances } from '@/lib/dicomweb/find-instances';
import { retrieveResponse } from '@/lib/dicomweb/retrieve-response';

/** WADO-RS: one de-identified instance (or derived SEG), as stored. */
export const GET = dicomwebRead(async (ctx, req) => {
  const instances = await findInstances(ctx.tx, {
    projectId: ctx.project!.id,
    study: ctx.input.study!,
    series: ctx.input.series!,
    instance: ctx.input.instance!,
  });
  ctx.auditDetails.retrieved = instances.length;
  return retrieveResponse(req.headers.get('accept'), instances, dicomwebBase(req, ctx.project!.slug));
});
