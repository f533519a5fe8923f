import { dicomwebRead, dicomwebWrite } from '@/lib/dicomweb/dicomweb-route';
import { stowResponse } from '@/lib/dicomweb/stow-response';
import { qidoResponse } from '@/lib/dicomweb/qido-response';

/** QIDO-RS: search for studies (de-identified instances and derived SEGs only, from the DICOMweb index). */
export const GET = dicomwebRead((ctx, req) => qidoResponse(ctx, req, 'study'));

/** STOW-RS (operators): a DICOM SEG or SR referencing the project's de-identified instances, into derived/. */
export const POST = dicomwebWrite((ctx, req) => stowResponse(ctx, req));
