import { createHmac } from 'node:crypto';

/**
 * The project's pseudonym of a patient, `SUBJ-` and 12 hex digits of HMAC-SHA256(project secret,
 * patient ID): the Subject the study list shows, and the PatientName and PatientID of every instance
 * de-identified with that secret (the pipeline, references, `segflow deidentify --secret`), so a
 * Subject in segflow is the patient a PACS or DICOMweb client finds in the de-identified data. The
 * same patient ID in the same project always maps to it; DICOM's trailing padding is not part of the ID.
 */
export function subjectPseudonym(secret: string | Uint8Array, patientId: string): string {
  return `SUBJ-${createHmac('sha256', secret).update(`patient:${patientId.trim()}`).digest('hex').slice(0, 12).toUpperCase()}`;
}
