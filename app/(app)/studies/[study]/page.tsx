import Link from 'next/link';
import { z } from 'zod';
import { IdentityPanel } from '@/components/studies/identity-panel';
import { VolumeFactsForm } from '@/components/studies/volume-facts-form';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded } from '@/lib/auth/page';
import { can } from '@/lib/auth/permissions';
import { getStudySummary, projectOfStudy } from '@/lib/uploads/get-study-summary';
import { nonImageKind } from '@/lib/imaging/dicom/non-image-modalities';
import { StartRunForm } from '@/components/runs/start-run-form';
import { revealStudyIdentityAction, startRunAction } from './actions';
import { RunsTable } from '@/components/runs/runs-table';
import { listModels } from '@/lib/models/list-models';
import { listRuns } from '@/lib/runs/list-runs';
import { DicomwebSeries } from '@/components/studies/dicomweb-series';
import { listStudyDicomSeries } from '@/lib/dicomweb/list-study-dicom-series';
import { ReferencePanel } from '@/components/references/reference-panel';
import { listStudyReferences } from '@/lib/references/list-study-references';

export default async function StudyPage({ params }: { params: Promise<{ study: string }> }) {
  const { study } = await params;
  const res = await loadGuarded(
    {
      action: 'study.read',
      permission: 'study:read',
      input: z.object({ study: z.uuid() }),
      project: (i, db) => projectOfStudy(db, i.study),
      target: (i) => ({ type: 'study', id: i.study }),
    },
    { study },
    async (ctx) => ({
      summary: await getStudySummary(ctx.tx, { studyId: ctx.input.study, projectId: ctx.project!.id }),
      slug: ctx.project!.slug,
      canSeePhi: can(ctx.role, 'phi:read'),
      canRun: can(ctx.role, 'run:submit'),
      canUpload: can(ctx.role, 'study:upload'),
      references: await listStudyReferences(ctx.tx, { studyId: ctx.input.study, projectId: ctx.project!.id }),
      models: can(ctx.role, 'run:submit') ? (await listModels(ctx.tx)).filter((m) => m.versions.some((v) => v.stage === 'live')).map((m) => m.name) : [],
      dicom: can(ctx.role, 'dicomweb:read') ? await listStudyDicomSeries(ctx.tx, { projectId: ctx.project!.id, studyId: ctx.input.study }) : [],
      runs: can(ctx.role, 'run:read')
        ? (await listRuns(ctx.tx, { projectId: ctx.project!.id, seeShadow: can(ctx.role, 'promotion:read'), filter: { study: ctx.input.study, limit: 20 } }))
            .runs
        : [],
    }),
  );
  if (!res.ok) return <PageError error={res} />;
  const { summary: s, slug, canSeePhi, canRun, canUpload, models, runs, dicom, references } = res.data;
  const referenceTargets = [
    // a reference segments images: a SEG or report series is no target of one
    ...s.series
      .filter((x) => !nonImageKind(x.modality))
      .map((x) => ({ id: x.id, label: `${x.modality ?? 'DICOM'} ${x.description ?? 'series'} (${x.instances} instances)`.trim() })),
    ...s.volumes.map((v) => ({ id: v.id, label: `${v.description ?? 'NIfTI volume'} ${v.dims.join('×')}` })),
  ];
  return (
    <>
      <h1>Study {s.label}</h1>
      <p>
        <Link className="button" href={`/studies/upload?project=${slug}&study=${s.study}`}>
          Add files to this study
        </Link>
      </p>
      {canSeePhi && <IdentityPanel studyId={s.study} revealStudyIdentityAction={revealStudyIdentityAction} />}
      {s.series.length === 0 && s.volumes.length === 0 && (
        <EmptyState title="Nothing indexed yet">Files of this study appear here once their upload is complete and checked.</EmptyState>
      )}
      {s.series.length > 0 && (
        <>
          <h2>Series</h2>
          <table aria-label="Series">
            <thead>
              <tr>
                <th>Modality</th>
                <th>Description</th>
                <th>Instances</th>
                <th>Dimensions</th>
                <th>Spacing (mm)</th>
                {canRun && <th>Segmentation</th>}
              </tr>
            </thead>
            <tbody>
              {s.series.map((x) => (
                <tr key={x.id} data-testid="series-row">
                  <td>{x.modality ?? '—'}</td>
                  <td>{x.description ?? ''}</td>
                  <td data-testid="series-instances">{x.instances}</td>
                  <td data-testid="series-dims">{x.rows && x.columns ? `${x.columns}×${x.rows}` : '—'}</td>
                  <td>{x.spacing?.map((v) => v.toFixed(2)).join(' × ') ?? '—'}</td>
                  {canRun && nonImageKind(x.modality) ? (
                    <td className="muted" data-testid="not-segmentable">
                      {nonImageKind(x.modality)}
                    </td>
                  ) : null}
                  {canRun && !nonImageKind(x.modality) && (
                    <td>
                      <StartRunForm
                        studyId={s.study}
                        seriesId={x.id}
                        models={models}
                        startRunAction={startRunAction}
                        label={`${x.modality ?? ''} ${x.description ?? 'series'}`.trim()}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {s.volumes.length > 0 && (
        <>
          <h2>Volumes</h2>
          <table aria-label="Volumes">
            <thead>
              <tr>
                <th>Volume</th>
                <th>Dimensions</th>
                <th>Spacing (mm)</th>
                <th>Modality · body part</th>
                {canRun && <th>Segmentation</th>}
              </tr>
            </thead>
            <tbody>
              {s.volumes.map((v) => (
                <tr key={v.id} data-testid="volume-row">
                  <td>{v.description ?? 'NIfTI'}</td>
                  <td data-testid="volume-dims">{v.dims.join('×')}</td>
                  <td>{v.spacing?.map((x) => x.toFixed(2)).join(' × ') ?? '—'}</td>
                  <td>
                    <VolumeFactsForm seriesId={v.id} modality={v.modality} bodyPart={v.bodyPart} canEdit={canUpload} />
                  </td>
                  {canRun && (
                    <td>
                      <StartRunForm studyId={s.study} seriesId={v.id} models={models} startRunAction={startRunAction} label={v.description ?? 'volume'} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {referenceTargets.length > 0 && (
        <>
          <h2>Reference segmentations</h2>
          <ReferencePanel project={slug} studyId={s.study} targets={referenceTargets} references={references} canAttach={canUpload} />
        </>
      )}
      {dicom.length > 0 && <DicomwebSeries project={slug} series={dicom} />}
      {runs.length > 0 && (
        <>
          <h2>Runs</h2>
          <RunsTable runs={runs} showStudy={false} />
        </>
      )}
    </>
  );
}
