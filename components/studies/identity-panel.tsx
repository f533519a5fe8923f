'use client';
import { useState, useTransition } from 'react';
import type { revealStudyIdentityAction as revealStudyIdentityActionType } from '@/app/(app)/studies/[study]/actions';
import type { StudyIdentity } from '@/lib/studies/get-study-identity';

const FIELDS: [keyof StudyIdentity, string][] = [
  ['patientName', 'Patient name'],
  ['patientId', 'Patient ID'],
  ['birthDate', 'Birth date'],
  ['sex', 'Sex'],
  ['accessionNumber', 'Accession'],
  ['studyDate', 'Study date'],
  ['institutionName', 'Institution'],
];

/** Identifying values stay hidden until asked for; each reveal is an audited PHI read. */
export function IdentityPanel({ studyId, revealStudyIdentityAction }: { studyId: string; revealStudyIdentityAction: typeof revealStudyIdentityActionType }) {
  const [identity, setIdentity] = useState<StudyIdentity | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="card">
      <strong>Identifying data</strong>{' '}
      {!identity && (
        <button
          type="button"
          className="secondary"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const res = await revealStudyIdentityAction({ study: studyId });
              if (res.ok) setIdentity(res.data);
              else setError(res.error.message);
            })
          }
        >
          Show (recorded in the audit log)
        </button>
      )}
      {error && <p className="error">{error}</p>}
      {identity && (
        <table data-testid="identity">
          <tbody>
            {FIELDS.map(([key, label]) => (
              <tr key={key}>
                <th>{label}</th>
                <td>{identity[key] ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
