'use client';
import { useState } from 'react';
import { MaskViewer } from './mask-viewer';
import { useRunImages } from './use-run-images';
import { viewerMasks } from './viewer-masks';

type View = 'serving' | 'compare' | 'reference';

/**
 * The run page's viewer: the serving model's mask over the de-identified volume; where the caller
 * may see shadow results (operators, admins) and the run has a shadow mask, a switch to compare the
 * two side by side; where the run's series has a reference segmentation (ground truth), a switch
 * to show it beside the serving mask.
 */
export function RunImagesPanel({ runId, canCompare }: { runId: string; canCompare: boolean }) {
  const [view, setView] = useState<View>('serving');
  const q = useRunImages(runId, view);
  const hasShadow = Boolean(q.data?.masks.some((m) => m.id === 'shadow'));
  // known once the first links arrived; kept while a later view's links are fetched
  const [hasReference, setHasReference] = useState(false);
  if (!hasReference && q.data?.masks.some((m) => m.role === 'reference')) setHasReference(true);
  const views = [
    ['serving', 'Serving mask'],
    ...(canCompare ? ([['compare', 'Serving vs shadow, side by side']] as const) : []),
    ...(hasReference ? ([['reference', 'Serving vs reference, side by side']] as const) : []),
  ] as const;
  const shown = (masks: NonNullable<typeof q.data>['masks']) =>
    view === 'compare'
      ? masks.filter((m) => m.role !== 'reference')
      : view === 'reference'
        ? masks.filter((m) => m.id !== 'shadow')
        : masks.filter((m) => m.id === 'serving');
  return (
    <section aria-label="Images">
      {views.length > 1 && (
        <div role="radiogroup" aria-label="Masks shown" className="inline" style={{ display: 'flex', gap: 12, marginBottom: 8 }}>
          {views.map(([v, label]) => (
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
            masks={viewerMasks(shown(q.data.masks), 'run')}
            layout={view === 'serving' ? 'overlay' : 'side-by-side'}
            modality={q.data.modality}
          />
        </>
      )}
    </section>
  );
}
