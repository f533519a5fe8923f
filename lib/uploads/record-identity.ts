import { and, eq, isNull } from 'drizzle-orm';
import { patientIdentities, projects, studies, studyIdentities } from '@/db/schema';
import type { Tx } from '../db';
import { AppError } from '../errors';
import type { DicomIdentity } from '../imaging/dicom/read-dicom-header';
import { subjectPseudonym } from '../imaging/dicom/subject-pseudonym';

function isoDate(da: string | undefined): string | null {
  const m = da?.trim().match(/^(\d{4})(\d{2})(\d{2})$/);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/**
 * Patient-identifying header values go only to the project-scoped identity tables; the study row
 * gets the pseudonym. A file of another DICOM study than the one already recorded is refused, so a
 * study never mixes patients or examinations.
 */
export async function recordIdentity(
  tx: Tx,
  p: { projectId: string; studyId: string; studyInstanceUid: string; identity: DicomIdentity; fileName: string },
): Promise<void> {
  // Two files completing at once must not both find "no identity yet": the study row serialises them.
  await tx.select({ id: studies.id }).from(studies).where(eq(studies.id, p.studyId)).for('update');
  const [existing] = await tx.select().from(studyIdentities).where(eq(studyIdentities.studyId, p.studyId)).limit(1);
  if (existing?.studyInstanceUid && existing.studyInstanceUid !== p.studyInstanceUid) {
    throw new AppError('malformed_file', `${p.fileName}: belongs to another DICOM study than the files already in this study (StudyInstanceUID differs)`, {
      file: p.fileName,
    });
  }
  if (existing) return;
  const [project] = await tx.select({ secret: projects.deidSecret }).from(projects).where(eq(projects.id, p.projectId)).limit(1);
  let patientIdentityId: string | null = null;
  let pseudonym: string | null = null;
  const patientId = p.identity.patientId?.trim();
  if (patientId) {
    pseudonym = subjectPseudonym(project.secret, patientId);
    await tx
      .insert(patientIdentities)
      .values({
        projectId: p.projectId,
        pseudonym,
        patientId,
        patientName: p.identity.patientName ?? null,
        birthDate: p.identity.patientBirthDate ?? null,
        sex: p.identity.patientSex ?? null,
      })
      .onConflictDoNothing();
    const [row] = await tx
      .select({ id: patientIdentities.id })
      .from(patientIdentities)
      .where(and(eq(patientIdentities.projectId, p.projectId), eq(patientIdentities.patientId, patientId)))
      .limit(1);
    patientIdentityId = row?.id ?? null;
  }
  await tx
    .insert(studyIdentities)
    .values({
      studyId: p.studyId,
      projectId: p.projectId,
      patientIdentityId,
      studyInstanceUid: p.studyInstanceUid,
      accessionNumber: p.identity.accessionNumber ?? null,
      studyDate: isoDate(p.identity.studyDate),
      institutionName: p.identity.institutionName ?? null,
    })
    .onConflictDoNothing();
  if (pseudonym) {
    await tx
      .update(studies)
      .set({ subjectPseudonym: pseudonym })
      .where(and(eq(studies.id, p.studyId), isNull(studies.subjectPseudonym)));
  }
}
