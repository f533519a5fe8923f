import { dicomwebRead } from '@/lib/dicomweb/dicomweb-route';
import { findInstances } from '@/lib/dicomweb/find-instances';
import { framesResponse } from '@/lib/dicomweb/frames-response';

/** WADO-RS frames (comma-separated frame numbers) of one instance, as stored. */
export const GET = dicomwebRead(async (ctx, req) => {
  const [instance] = await findInstances(ctx.tx, {
    projectId: ctx.project!.id,
    study: ctx.input.study!,
    series: ctx.input.series!,
    instance: ctx.input.instance!,
  });
  return framesResponse(req.headers.get('accept'), instance, ctx.input.frames ?? '');
});
