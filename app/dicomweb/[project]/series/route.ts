import { dicomwebRead } from '@/lib/dicomweb/dicomweb-route';
import { qidoResponse } from '@/lib/dicomweb/qido-response';

/** QIDO-RS: search for series in the project (de-identified instances and derived SEGs only, from the DICOMweb index). */
export const GET = dicomwebRead((ctx, req) => qidoResponse(ctx, req, 'series'));
