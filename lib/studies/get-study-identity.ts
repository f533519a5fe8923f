import { and, eq } from 'drizzle-orm';
import { patientIdentities, studies, studyIdentities } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

export interface StudyIdentity {
  pseudonym: string | null;
  patientName: string | null;
  patientId: string | null;
  birthDate: string | null;
  sex: string | null;
  accessionNumber: string | null;
  studyDate: string | null;
  institutionName: string | null;
}

/**
 * The identifying values behind a study, read from the identity tables and scoped by project in the
 * WHERE. Only callers holding phi:read reach this, through the guard, which audits every read.
 */
export async function getStudyIdentity(db: DbOrTx, p: { studyId: string; projectId: string }): Promise<StudyIdentity> {
  const [row] = await db
    .select({
      pseudonym: studies.subjectPseudonym,
      patientName: patientIdentities.patientName,
      patientId: patientIdentities.patientId,
      birthDate: patientIdentities.birthDate,
      sex: patientIdentities.sex,
      accessionNumber: studyIdentities.accessionNumber,
      studyDate: studyIdentities.studyDate,
      institutionName: studyIdentities.institutionName,
    })
    .from(studies)
    .leftJoin(studyIdentities, eq(studyIdentities.studyId, studies.id))
    .leftJoin(patientIdentities, eq(patientIdentities.id, studyIdentities.patientIdentityId))
    .where(and(eq(studies.id, p.studyId), eq(studies.projectId, p.projectId)))
    .limit(1);
  if (!row) throw new AppError('not_found', `study ${p.studyId} not found`);
  return row;
}
