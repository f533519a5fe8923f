'use client';
import { useState } from 'react';
import { MaskViewer } from './mask-viewer';
import { useRunImages } from './use-run-images';
import { viewerMasks } from './viewer-masks';

type View = 'serving' | 'compare';

/**
 * The run page's viewer: the serving model's mask over the de-identified volume; where the caller
 * may see shadow results (operators, admins) and the run has a shadow mask, a switch to compare the
 * two side by side.
 */
export function RunImagesPanel({ runId, canCompare }: { runId: string; canCompare: boolean }) {
  const [view, setView] = useState<View>('serving');
  const q = useRunImages(runId, view);
  const hasShadow = Boolean(q.data?.masks.some((m) => m.id === 'shadow'));
  return (
    <section aria-label="Images">
      {canCompare && (
        <div role="radiogroup" aria-label="Masks shown" className="inline" style={{ display: 'flex', gap: 12, marginBottom: 8 }}>
          {(
            [
              ['serving', 'Serving mask'],
              ['compare', 'Serving vs shadow, side by side'],
            ] as const
          ).map(([v, label]) => (
            <label key={v} style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
              <input type="radio" name={`view-${runId}`} value={v} checked={view === v} onChange={() => setView(v)} />
              {label}
            </label>
          ))}
        </div>
      )}
      {q.isError ? (
        <div className="card error" role="alert" data-testid="viewer-error">
          The images could not be loaded: {q.error.message}
        </div>
      ) : !q.data || q.isFetching ? (
        <div className="card muted" role="status" data-testid="mask-viewer" data-state="loading">
          Getting links to the images…
        </div>
      ) : (
        <>
          {view === 'compare' && !hasShadow && <p className="muted">This run has no shadow mask; showing the serving mask only.</p>}
          <MaskViewer
            volumeUrl={q.data.volume.url}
            masks={viewerMasks(view === 'compare' ? q.data.masks : q.data.masks.filter((m) => m.id === 'serving'), 'run')}
            layout={view === 'compare' ? 'side-by-side' : 'overlay'}
            modality={q.data.modality}
          />
        </>
      )}
    </section>
  );
}
