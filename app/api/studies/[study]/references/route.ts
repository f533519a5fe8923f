import { route } from '@/lib/auth/route';
import { createReferenceUpload } from '@/lib/references/create-reference-upload';
import { listStudyReferences } from '@/lib/references/list-study-references';
import { ZAttachReference, ZStudyReferencesRef } from '@/lib/references/schemas';
import { projectOfStudy } from '@/lib/uploads/get-study-summary';

/** A study's reference segmentations (ground truth) with their status. */
export const GET = route(
  {
    action: 'reference.list',
    permission: 'study:read',
    input: ZStudyReferencesRef,
    project: (i, db) => projectOfStudy(db, i.study),
    target: (i) => ({ type: 'study', id: i.study }),
  },
  async (ctx) => ({ references: await listStudyReferences(ctx.tx, { studyId: ctx.input.study, projectId: ctx.project!.id }) }),
);

/**
 * Opens an upload for a reference segmentation of one series of the study; the file then goes
 * through the ordinary upload endpoints (presigned PUT, complete), where it is checked.
 */
export const POST = route(
  {
    action: 'reference.attach',
    permission: 'study:upload',
    input: ZAttachReference,
    project: (i, db) => projectOfStudy(db, i.study),
    target: (i) => ({ type: 'study', id: i.study }),
  },
  async (ctx) => {
    const out = await createReferenceUpload(ctx.tx, {
      projectId: ctx.project!.id,
      userId: ctx.actor.userId,
      studyId: ctx.input.study,
      seriesId: ctx.input.series,
    });
    ctx.auditDetails.reference = out.referenceId;
    ctx.auditDetails.upload = out.uploadId;
    return { reference: { id: out.referenceId }, upload: { id: out.uploadId, studyId: out.studyId, projectId: ctx.project!.id } };
  },
);
