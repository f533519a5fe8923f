import { route } from '@/lib/auth/route';
import { projectOfSeries, stateVolumeFacts, ZStateVolumeFacts } from '@/lib/studies/state-volume-facts';

/** PUT {modality, bodyPart}: what the researcher states of a NIfTI volume (it carries neither); a model's input domain is checked against it. */
export const PUT = route(
  {
    action: 'series.facts.state',
    permission: 'study:upload',
    input: ZStateVolumeFacts,
    project: (i, db) => projectOfSeries(db, i.series),
    target: (i) => ({ type: 'series', id: i.series }),
  },
  async (ctx) => {
    const facts = await stateVolumeFacts(ctx.tx, {
      projectId: ctx.project!.id,
      seriesId: ctx.input.series,
      modality: ctx.input.modality,
      bodyPart: ctx.input.bodyPart,
    });
    Object.assign(ctx.auditDetails, { modality: facts.modality, bodyPart: facts.bodyPart });
    return { series: facts };
  },
);
