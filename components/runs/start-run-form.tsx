'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { startRunAction as startRunActionType } from '@/app/(app)/studies/[study]/actions';

/**
 * Starts a segmentation run of one series or volume. The model's deployment slot picks the version
 * (live, or canary for a share of studies); submitting the same thing again opens the existing run.
 */
export function StartRunForm({
  studyId,
  seriesId,
  models,
  label,
  startRunAction,
}: {
  studyId: string;
  seriesId: string;
  models: string[];
  label: string;
  startRunAction: typeof startRunActionType;
}) {
  const router = useRouter();
  const [model, setModel] = useState(models[0] ?? '');
  const [error, setError] = useState<string | null>(null);
  const action = `Segment with ${models.length > 1 ? 'model' : model}`;
  const [pending, start] = useTransition();
  if (!models.length) return <span className="muted">no model is live</span>;
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        start(async () => {
          const res = await startRunAction({ study: studyId, series: seriesId, model });
          if (res.ok) router.push(`/runs/${res.data.run}`);
          else setError(res.error.message);
        });
      }}
    >
      {models.length > 1 && (
        <select aria-label={`Model for ${label}`} value={model} onChange={(e) => setModel(e.target.value)}>
          {models.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      )}
      {/* the accessible name starts with the visible text (WCAG "label in name"), then says which series */}
      <button type="submit" disabled={pending} aria-label={pending ? undefined : `${action}: ${label}`}>
        {pending ? 'Starting…' : action}
      </button>
      {error && <span className="error"> {error}</span>}
    </form>
  );
}
