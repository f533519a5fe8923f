import type { GuardContext } from '../auth/guard';
import { dicomJsonResponse, dicomwebBase, type TDicomwebPath } from './dicomweb-route';
import { parseQidoQuery } from './qido-query';
import { searchDicom, type QidoLevel } from './search';

/** One QIDO-RS request: the query string parsed, the index searched within the path's scope, DICOM JSON. */
export async function qidoResponse(ctx: GuardContext<TDicomwebPath, 'dicomweb:read'>, req: Request, level: QidoLevel): Promise<Response> {
  const query = parseQidoQuery(new URL(req.url).searchParams);
  const project = ctx.project!;
  const { datasets, more } = await searchDicom(ctx.tx, {
    projectId: project.id,
    level,
    scope: { study: ctx.input.study, series: ctx.input.series },
    query,
    baseUrl: dicomwebBase(req, project.slug),
  });
  ctx.auditDetails.search = level;
  return dicomJsonResponse(datasets, more);
}
