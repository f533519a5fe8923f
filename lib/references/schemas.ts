import { z } from 'zod';

/** Request and response shapes of the reference API, shared by the route handler and the client. */
export const ZAttachReference = z.object({
  study: z.uuid(),
  /** the series (DICOM) or volume (NIfTI) of the study the reference segments */
  series: z.uuid(),
});
export type TAttachReference = z.infer<typeof ZAttachReference>;

export const ZStudyReferencesRef = z.object({ study: z.uuid() });

export type ReferenceStatus = 'pending' | 'ready' | 'rejected';

export interface ReferenceDto {
  id: string;
  studyId: string;
  seriesId: string;
  uploadId: string;
  status: ReferenceStatus;
  /** the uploaded file's name and, when refused, why */
  fileName: string | null;
  error: string | null;
  format: string | null;
  labels: { value: number; name: string }[];
  createdAt: string;
}
