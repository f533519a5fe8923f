import { dicomwebBase, dicomwebRead, dicomwebWrite } from '@/lib/dicomweb/dicomweb-route';
import { findInstances } from '@/lib/dicomweb/find-instances';
import { retrieveResponse } from '@/lib/dicomweb/retrieve-response';
import { stowResponse } from '@/lib/dicomweb/stow-response';

/** WADO-RS: every de-identified instance and derived SEG of a study, as stored. */
export const GET = dicomwebRead(async (ctx, req) => {
  const instances = await findInstances(ctx.tx, { projectId: ctx.project!.id, study: ctx.input.study! });
  ctx.auditDetails.retrieved = instances.length;
  return retrieveResponse(req.headers.get('accept'), instances, dicomwebBase(req, ctx.project!.slug));
});

/** STOW-RS (operators) into this study: a DICOM SEG or SR referencing its de-identified instances, into derived/. */
export const POST = dicomwebWrite((ctx, req) => stowResponse(ctx, req));
