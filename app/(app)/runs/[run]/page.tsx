import Link from 'next/link';
import { z } from 'zod';
import { RefreshWhile } from '@/components/runs/refresh-while';
import { RunControls } from '@/components/runs/run-controls';
import { refusedByDomain } from '@/lib/runs/refused-by-domain';
import { RunDownloads } from '@/components/runs/run-downloads';
import { StepLogView } from '@/components/runs/step-log-view';
import { RunChecks, RunWarnings } from '@/components/runs/run-checks';
import { RunStatus } from '@/components/runs/run-status';
import { PageError } from '@/components/ui/page-error';
import { ReferenceMetricsTable } from '@/components/references/reference-metrics-table';
import { RunImagesPanel } from '@/components/viewer/run-images-panel';
import { DiffViewer } from '@/components/viewer/diff-viewer';
import { viewerMasks } from '@/components/viewer/viewer-masks';
import { loadGuarded } from '@/lib/auth/page';
import { listRunReferenceComparisons } from '@/lib/references/list-run-reference-comparisons';
import { getRun, projectOfRun, submitterOfRun } from '@/lib/runs/get-run';
import { can } from '@/lib/auth/permissions';
import { fixed } from '@/lib/util/fixed';
import { getRunDiffView } from '@/lib/reviews/run-diff-view';
import { SHADOW_INFER_TASK } from '@/lib/pipeline/definition';
import type { PresignedRecord } from '@/lib/viewer/presign-image';
import { cancelRunAction, retryRunAction } from './actions';

function seconds(a: string | null, b: string | null): string {
  return a && b ? `${((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1)} s` : '—';
}

function size(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

export default async function RunPage({
  params,
  searchParams,
}: {
  params: Promise<{ run: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { run } = await params;
  const search = await searchParams;
  // diff mode presigns (and audits) the images only when asked for
  const diffMode = search.view === 'diff';
  const slice = typeof search.slice === 'string' && /^\d+$/.test(search.slice) ? Number(search.slice) : null;
  const res = await loadGuarded(
    {
      action: 'run.read',
      permission: 'run:read',
      input: z.object({ run: z.uuid() }),
      project: (i, db) => projectOfRun(db, i.run),
      target: (i) => ({ type: 'run', id: i.run }),
    },
    { run },
    async (ctx) => {
      const r = await getRun(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id, seeShadow: can(ctx.role, 'promotion:read') });
      let diff = null;
      if (diffMode && r.status === 'succeeded' && r.shadow) {
        const presigned: PresignedRecord[] = [];
        diff = await getRunDiffView(ctx.tx, { runId: r.id, projectId: ctx.project!.id, role: ctx.role, audit: presigned });
        if (presigned.length > 0) ctx.auditDetails.presigned = presigned;
      }
      return {
        run: r,
        canManage: can(ctx.role, 'run:manage'),
        linkStudy: can(ctx.role, 'study:read'),
        diff,
        references: await listRunReferenceComparisons(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id }),
        // researchers may cancel their own runs while queued (the action checks again)
        cancelsOwn: can(ctx.role, 'run:cancel') && (await submitterOfRun(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id })) === ctx.actor.userId,
      };
    },
  );
  if (!res.ok) return <PageError error={res} />;
  const r = res.data.run;
  return (
    <>
      <RefreshWhile active={r.status === 'queued' || r.status === 'running'} />
      <h1>
        Run <span className="mono">{r.id.slice(0, 8)}</span> <RunStatus status={r.status} />
      </h1>
      <dl className="facts">
        <dt>Study</dt>
        <dd>
          {res.data.linkStudy ? <Link href={`/studies/${r.studyId}`}>{r.studyLabel}</Link> : r.studyLabel} (
          {r.kind === 'dicom' ? 'DICOM series' : 'NIfTI volume'})
        </dd>
        <dt>Model</dt>
        <dd>
          <span data-testid="run-model">
            mask made by {r.model}@{r.serving.version} ({r.serving.role}) · live when submitted: {r.liveAtSubmission ?? '—'}
          </span>
          {r.shadow && <> · shadow {r.shadow.version}</>}
        </dd>
        {r.attempt > 1 && (
          <>
            <dt>Attempt</dt>
            <dd data-testid="run-attempt">{r.attempt} (retried)</dd>
          </>
        )}
        <dt>Pipeline</dt>
        <dd className="mono">{r.pipelineVersion}</dd>
        <dt>Run key</dt>
        <dd className="mono" title="SHA-256 of input content, pipeline version, model versions and parameters: the same submission is the same run">
          {r.runKey.slice(0, 16)}…
        </dd>
        {r.manifestKey && (
          <>
            <dt>Manifest</dt>
            <dd className="mono" data-testid="manifest">
              {r.manifestKey} · sha256 {r.manifestSha256?.slice(0, 16)}… (signed; check with <code>segflow manifest verify</code>)
            </dd>
          </>
        )}
      </dl>
      {r.error && (
        <p className="error" data-testid="run-error">
          {r.error}
        </p>
      )}
      <RunWarnings warnings={r.warnings} />
      {res.data.canManage ? (
        <RunControls runId={r.id} status={r.status} cancel={cancelRunAction} retry={retryRunAction} refusedByDomain={refusedByDomain(r)} />
      ) : (
        res.data.cancelsOwn && r.status === 'queued' && <RunControls runId={r.id} status={r.status} cancel={cancelRunAction} retry={retryRunAction} />
      )}
      {(r.status === 'succeeded' || r.status === 'failed') && (
        <>
          <h2>Downloads</h2>
          <RunDownloads runId={r.id} />
        </>
      )}
      {r.status === 'succeeded' && (
        <>
          <h2>Images</h2>
          {r.shadow && r.comparison && (
            <p>
              {diffMode ? (
                <Link href={`/runs/${r.id}`}>← Back to the masks</Link>
              ) : (
                <Link href={`/runs/${r.id}?view=diff`}>Differences, shadow vs serving (diff mode) →</Link>
              )}
            </p>
          )}
          {diffMode && res.data.diff ? (
            <DiffViewer
              volumeUrl={res.data.diff.images.volume.url}
              live={viewerMasks(res.data.diff.images.masks, 'run').find((m) => m.id === 'serving')!}
              shadow={viewerMasks(res.data.diff.images.masks, 'run').find((m) => m.id === 'shadow')!}
              diffUrl={res.data.diff.diff.diff.url}
              profile={res.data.diff.diff.profile}
              initialSlice={slice}
              initialPlanes={search.planes === '1'}
            />
          ) : (
            <>
              {diffMode && r.shadow && <p className="muted">This run has no difference image (it was compared before the compare step wrote one).</p>}
              <RunImagesPanel runId={r.id} canCompare={Boolean(r.shadow)} />
            </>
          )}
        </>
      )}
      {res.data.references.length > 0 && (
        <>
          <h2>Against the reference</h2>
          {res.data.references.map((c) => (
            <ReferenceMetricsTable key={c.referenceId} comparison={c} />
          ))}
        </>
      )}
      <h2>Steps</h2>
      <table aria-label="Steps">
        <thead>
          <tr>
            <th>Step</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Took</th>
            <th>Outputs</th>
          </tr>
        </thead>
        <tbody>
          {r.steps.map((s) => (
            <tr key={s.name} data-testid="step-row">
              <td>{s.name}</td>
              <td>
                <RunStatus status={s.status} />
                {s.detail && (
                  <div className="muted" data-testid="step-detail">
                    {s.detail}
                  </div>
                )}
                {s.error && <div className="error">{s.error}</div>}
                {s.attempts > 0 && s.name !== 'manifest' && <StepLogView runId={r.id} step={s.name} attempts={s.attempts} running={s.status === 'running'} />}
              </td>
              <td>{s.attempts}</td>
              <td>{seconds(s.startedAt, s.finishedAt)}</td>
              <td>
                {s.outputs.length === 0
                  ? '—'
                  : s.outputs.length > 4
                    ? `${s.outputs.length} objects`
                    : s.outputs.map((o) => (
                        <div key={o.key} className="mono" title={`${o.key}\nsha256 ${o.sha256}`}>
                          {o.name} · {size(o.size)}
                        </div>
                      ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.steps.some((s) => s.checks?.length) && (
        <>
          <h2>Model checks</h2>
          <p className="muted">The model&apos;s declared input domain, checked before inference, and the plausibility of its output, checked after it.</p>
          {r.steps.map((s) => (
            <RunChecks
              key={s.name}
              step={s}
              title={
                s.name === SHADOW_INFER_TASK && r.shadow
                  ? `Shadow model ${r.model}@${r.shadow.version}`
                  : `${r.serving.role === 'canary' ? 'Canary' : 'Serving'} model ${r.model}@${r.serving.version}`
              }
            />
          ))}
        </>
      )}
      {r.comparison && (
        <>
          <h2>Shadow vs {r.serving.role}</h2>
          <table aria-label="Comparison">
            <thead>
              <tr>
                <th>Label</th>
                <th>Dice</th>
                <th>HD95 (mm)</th>
                <th>Volume difference (ml)</th>
              </tr>
            </thead>
            <tbody>
              {r.comparison.map((c) => (
                <tr key={c.name} data-testid="comparison-row">
                  <td>{c.name}</td>
                  <td>{c.dice.toFixed(4)}</td>
                  <td>{c.hd95Mm === null ? '—' : c.hd95Mm.toFixed(2)}</td>
                  <td>{fixed(c.volumeDiffMl, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
