'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { attachReference } from '@/lib/references/client/attach-reference';
import type { ReferenceDto } from '@/lib/references/schemas';
import { xhrPut } from '@/lib/uploads/client/put-bytes';
import { blobSource } from '@/lib/uploads/client/upload-source';
import { workerHasher } from '../upload/worker-hasher';

export interface ReferenceTarget {
  id: string;
  label: string;
}

const STATUS_TEXT: Record<ReferenceDto['status'], string> = { pending: 'waiting for its file', ready: 'ready', rejected: 'refused' };

/**
 * A study's reference segmentations (ground truth) and a form to attach one: a DICOM SEG that
 * references a series of the study, or a NIfTI labelmap on a volume's grid. The file goes straight
 * to storage through the upload flow; the server checks and de-identifies it, and runs on the
 * series are then compared with it.
 */
export function ReferencePanel({
  project,
  studyId,
  targets,
  references,
  canAttach,
}: {
  project: string;
  studyId: string;
  targets: ReferenceTarget[];
  references: ReferenceDto[];
  canAttach: boolean;
}) {
  const router = useRouter();
  const [target, setTarget] = useState(targets[0]?.id ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const labelOf = (id: string) => targets.find((t) => t.id === id)?.label ?? id.slice(0, 8);
  return (
    <section aria-label="Reference segmentations">
      {references.length === 0 ? (
        <p className="muted">No reference segmentation yet. Runs on a series with one are compared with it (Dice, HD95, volume difference per label).</p>
      ) : (
        <table aria-label="References">
          <thead>
            <tr>
              <th>File</th>
              <th>Of</th>
              <th>Format</th>
              <th>Labels</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {references.map((r) => (
              <tr key={r.id} data-testid="reference-row" data-status={r.status}>
                <td className="mono">{r.fileName ?? '—'}</td>
                <td>{labelOf(r.seriesId)}</td>
                <td>{r.format === 'seg' ? 'DICOM SEG' : r.format === 'nifti' ? 'NIfTI labelmap' : '—'}</td>
                <td>{r.format === 'nifti' ? "the model's label values" : r.labels.map((l) => l.name).join(', ') || '—'}</td>
                <td>
                  {STATUS_TEXT[r.status]}
                  {r.error && <div className="error">{r.error}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canAttach && targets.length > 0 && (
        <form
          className="inline"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!file || !target) return;
            setBusy(true);
            setMessage(null);
            try {
              const { reference, summary } = await attachReference({
                api: { baseUrl: '' },
                project,
                study: studyId,
                series: target,
                source: blobSource(file, file.name),
                transport: { putBytes: xhrPut, hasher: workerHasher },
              });
              const refused = summary.rejected[0]?.reason ?? reference?.error;
              setMessage(
                reference?.status === 'ready'
                  ? { error: false, text: `${file.name}: attached` }
                  : { error: true, text: refused ?? `${file.name}: not attached` },
              );
              router.refresh();
            } catch (err) {
              setMessage({ error: true, text: err instanceof Error ? err.message : String(err) });
            } finally {
              setBusy(false);
            }
          }}
          style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', marginTop: 8 }}
        >
          <label>
            Reference of{' '}
            <select aria-label="Reference of" value={target} onChange={(e) => setTarget(e.target.value)}>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          <input type="file" aria-label="Reference file" accept=".dcm,.nii,.gz,application/dicom" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <button type="submit" disabled={!file || busy}>
            {busy ? 'Attaching…' : 'Attach reference'}
          </button>
          {message && (
            <span className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'} data-testid="reference-message">
              {message.text}
            </span>
          )}
        </form>
      )}
    </section>
  );
}
