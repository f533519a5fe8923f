import { bulkdataResponse } from '@/lib/dicomweb/bulkdata-response';
import { dicomwebRead } from '@/lib/dicomweb/dicomweb-route';
import { findInstances } from '@/lib/dicomweb/find-instances';

/** WADO-RS bulk data: one top-level binary attribute of an instance (a metadata BulkDataURI). */
export const GET = dicomwebRead(async (ctx) => {
  const [instance] = await findInstances(ctx.tx, {
    projectId: ctx.project!.id,
    study: ctx.input.study!,
    series: ctx.input.series!,
    instance: ctx.input.instance!,
  });
  return bulkdataResponse(instance, ctx.input.tag ?? '');
});
