import { dicomwebBase, dicomwebRead } from '@/lib/dicomweb/dicomweb-route';
import { findInstances } from '@/lib/dicomweb/find-instances';
import { metadataResponse } from '@/lib/dicomweb/metadata-response';

/** WADO-RS metadata: the instance as DICOM JSON, bulk data by URI. */
export const GET = dicomwebRead(async (ctx, req) => {
  const instances = await findInstances(ctx.tx, {
    projectId: ctx.project!.id,
    study: ctx.input.study!,
    series: ctx.input.series!,
    instance: ctx.input.instance!,
  });
  return metadataResponse(instances, dicomwebBase(req, ctx.project!.slug));
});
