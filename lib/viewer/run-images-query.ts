import { z } from 'zod';

/** GET /api/runs/:run/images: `format=dicom` for the de-identified instances and their SEG, else the NIfTI volume and masks */
export const ZRunImagesQuery = z.object({
  run: z.uuid(),
  format: z.enum(['nifti', 'dicom'], { message: "format: 'nifti' (the default) or 'dicom'" }).default('nifti'),
});
