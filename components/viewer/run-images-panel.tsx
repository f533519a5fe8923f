'use client';
import { useState } from 'react';
import type { RunDicomImagesDto, RunImagesDto } from '@/lib/viewer/schemas';
import { MaskViewer } from './mask-viewer';
import { useRunImages } from './use-run-images';
import { viewerMasks } from './viewer-masks';

type View = 'serving' | 'dicom' | 'compare' | 'reference';

/**
 * The run page's viewer: the serving model's mask over the de-identified volume; for a run on a
 * DICOM series, the series itself with the run's DICOM SEG (what would go to PACS), shown first;
 * where the caller may see shadow results (operators, admins) and the run has a shadow mask, a
 * switch to compare the two side by side; where the run's series has a reference segmentation
 * (ground truth), a switch to show it beside the serving mask (on a DICOM run, beside its SEG over the
 * series).
 */
export function RunImagesPanel({ runId, canCompare }: { runId: string; canCompare: boolean }) {
  const [view, setView] = useState<View>('serving');
  const [chosen, setChosen] = useState(false);
  const [known, setKnown] = useState({ reference: false, dicom: false });
  // a DICOM run's series is shown natively, its SEG beside its reference too
  const q = useRunImages(runId, view, view === 'dicom' || (view === 'reference' && known.dicom) ? 'dicom' : 'nifti');
  const nifti = q.data && !('format' in q.data) ? q.data : null;
  const hasShadow = Boolean(q.data?.masks.some((m) => m.id === 'shadow'));
  // known once the first links arrived; kept while a later view's links are fetched
  if (nifti && ((!known.reference && nifti.masks.some((m) => m.role === 'reference')) || (!known.dicom && nifti.dicom))) {
    setKnown({ reference: known.reference || nifti.masks.some((m) => m.role === 'reference'), dicom: known.dicom || Boolean(nifti.dicom) });
  }
  // a DICOM run opens on its series and SEG, until the reader picks another view
  if (known.dicom && !chosen && view === 'serving') setView('dicom');
  const views = [
    ...(known.dicom ? ([['dicom', 'DICOM series with its SEG']] as const) : []),
    ['serving', known.dicom ? 'Converted volume (NIfTI) with its mask' : 'Serving mask'],
    ...(canCompare ? ([['compare', 'Serving vs shadow, side by side']] as const) : []),
    ...(known.reference ? ([['reference', 'Serving vs reference, side by side']] as const) : []),
  ] as const;
  const shown = (masks: RunImagesDto['masks']) =>
    view === 'compare'
      ? masks.filter((m) => m.role !== 'reference')
      : view === 'reference'
        ? masks.filter((m) => m.id !== 'shadow')
        : masks.filter((m) => m.id === 'serving');
  const dicom = q.data && 'format' in q.data ? (q.data as RunDicomImagesDto) : null;
  return (
    <section aria-label="Images">
      {views.length > 1 && (
        <div role="radiogroup" aria-label="Masks shown" className="inline" style={{ display: 'flex', gap: 12, marginBottom: 8, flexWrap: 'wrap' }}>
          {views.map(([v, label]) => (
            <label key={v} style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
              <input
                type="radio"
                name={`view-${runId}`}
                value={v}
                checked={view === v}
                onChange={() => {
                  setChosen(true);
                  setView(v);
                }}
              />
              {label}
            </label>
          ))}
        </div>
      )}
      {q.isError ? (
        <div className="card error" role="alert" data-testid="viewer-error">
          The images could not be loaded: {q.error.message}
        </div>
      ) : !q.data || q.isFetching || (known.dicom && !chosen && view === 'serving') ? (
        <div className="card muted" role="status" data-testid="mask-viewer" data-state="loading">
          Getting links to the images…
        </div>
      ) : dicom ? (
        <MaskViewer
          volumeUrl={dicom.instances[0]?.url ?? ''}
          instanceUrls={dicom.instances.map((i) => i.url)}
          masks={[
            ...viewerMasks(
              dicom.masks.filter((m) => m.id === 'serving'),
              'run',
            ).map((m) => ({ ...m, title: `${m.title}, DICOM SEG` })),
            ...(view === 'reference' ? viewerMasks(dicom.references, 'run').map((m) => ({ ...m, format: 'nifti' as const })) : []),
          ]}
          layout={view === 'reference' ? 'side-by-side' : 'overlay'}
          modality={dicom.modality}
        />
      ) : (
        nifti && (
          <>
            {view === 'compare' && !hasShadow && <p className="muted">This run has no shadow mask; showing the serving mask only.</p>}
            <MaskViewer
              volumeUrl={nifti.volume.url}
              masks={viewerMasks(shown(nifti.masks), 'run')}
              layout={view === 'serving' ? 'overlay' : 'side-by-side'}
              modality={nifti.modality}
            />
          </>
        )
      )}
    </section>
  );
}
