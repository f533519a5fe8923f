import { z } from 'zod';
import { readDicomHeader } from '../imaging/dicom/read-dicom-header';

/**
 * What the DICOMweb index (db/schema/dicomweb.ts) records of one written instance, read from the
 * bytes that were stored — the de-identified ones — at the moment they are written.
 */
export const ZDicomIndexFacts = z.object({
  /** the step output's name (which object these facts describe) */
  name: z.string(),
  studyInstanceUid: z.string().min(1),
  seriesInstanceUid: z.string().min(1),
  sopInstanceUid: z.string().min(1),
  sopClassUid: z.string().min(1),
  transferSyntaxUid: z.string().min(1),
  modality: z.string().optional(),
  seriesNumber: z.number().int().optional(),
  seriesDescription: z.string().optional(),
  instanceNumber: z.number().int().optional(),
  patientId: z.string().optional(),
  studyDate: z.string().optional(),
  rows: z.number().int().optional(),
  columns: z.number().int().optional(),
  numberOfFrames: z.number().int().min(1),
});
export type TDicomIndexFacts = z.infer<typeof ZDicomIndexFacts>;

export function dicomIndexFacts(bytes: Uint8Array, name: string): TDicomIndexFacts {
  const h = readDicomHeader(bytes, name);
  return {
    name,
    studyInstanceUid: h.studyInstanceUid,
    seriesInstanceUid: h.seriesInstanceUid,
    sopInstanceUid: h.sopInstanceUid,
    sopClassUid: h.sopClassUid,
    transferSyntaxUid: h.transferSyntaxUid,
    modality: h.modality,
    seriesNumber: h.seriesNumber,
    seriesDescription: h.seriesDescription,
    instanceNumber: h.instanceNumber,
    // after de-identification these hold the pseudonym and the shifted date, nothing identifying
    patientId: h.identity.patientId,
    studyDate: h.identity.studyDate,
    rows: h.rows,
    columns: h.columns,
    numberOfFrames: h.numberOfFrames,
  };
}
