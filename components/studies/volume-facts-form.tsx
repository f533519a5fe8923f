'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { MODALITY_WORDS } from '@/lib/models/check-input-domain';

/**
 * A NIfTI volume carries no modality or body part: the researcher states them, so a model's input
 * domain can be checked (a run on a volume with none stated says the domain was not checked).
 */
export function VolumeFactsForm({
  seriesId,
  modality,
  bodyPart,
  canEdit,
}: {
  seriesId: string;
  modality: string | null;
  bodyPart: string | null;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [m, setM] = useState(modality ?? '');
  const [b, setB] = useState(bodyPart ?? '');
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  // nothing to state until a field differs from what is stored
  const unchanged = m === (modality ?? '') && b.trim().toUpperCase() === (bodyPart ?? '').toUpperCase();
  const stated = modality || bodyPart ? `${modality ?? '—'} · ${bodyPart ?? '—'}` : 'not stated: a model cannot check its input domain';
  if (!canEdit) return <span data-testid="volume-facts">{stated}</span>;
  return (
    <form
      style={{ display: 'inline' }}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        start(async () => {
          const res = await fetch(`/api/series/${seriesId}/facts`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ modality: m || null, bodyPart: b.trim() || null }),
          });
          const body = (await res.json().catch(() => null)) as {
            error?: { message?: string };
            series?: { modality: string | null; bodyPart: string | null };
          } | null;
          if (!res.ok) {
            setError(body?.error?.message ?? `could not save (HTTP ${res.status})`);
            return;
          }
          // the fields show what was stored ("head" is stored as HEAD)
          setM(body?.series?.modality ?? '');
          setB(body?.series?.bodyPart ?? '');
          router.refresh();
        });
      }}
    >
      <span className="muted" data-testid="volume-facts">
        {stated}
      </span>{' '}
      <select aria-label="Modality" value={m} onChange={(e) => setM(e.target.value)} style={{ maxWidth: '12em' }}>
        <option value="">modality…</option>
        {Object.entries(MODALITY_WORDS).map(([code, words]) => (
          <option key={code} value={code}>
            {code === words ? code : `${code} (${words})`}
          </option>
        ))}
      </select>{' '}
      <input aria-label="Body part" placeholder="body part, e.g. HEAD" value={b} onChange={(e) => setB(e.target.value)} size={22} />{' '}
      <button type="submit" className="secondary" disabled={pending || unchanged} title={unchanged ? 'choose a modality or type a body part first' : undefined}>
        State
      </button>
      {error && (
        <span className="error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </form>
  );
}
