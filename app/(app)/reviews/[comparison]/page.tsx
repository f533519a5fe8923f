import Link from 'next/link';
import { CaseViewSwitch } from '@/components/review/case-view-switch';
import { MetricsTable } from '@/components/review/metrics-table';
import { ReviewCaseNav } from '@/components/review/review-case-nav';
import { VerdictForm } from '@/components/review/verdict-form';
import { submitVerdictAction } from './actions';
import { DiffViewer } from '@/components/viewer/diff-viewer';
import { MaskViewer } from '@/components/viewer/mask-viewer';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded } from '@/lib/auth/page';
import { loadReviewCase, REVIEW_CASE_GUARD } from '@/lib/reviews/load-review-case';
import { loadCaseNavigation } from '@/lib/reviews/load-case-navigation';
import { parseQueueFilter, queueFilterQuery } from '@/lib/reviews/review-queue-filter';
import { viewerMasks } from '@/components/viewer/viewer-masks';

type Search = Record<string, string | string[] | undefined>;

export default async function ReviewCasePage({ params, searchParams }: { params: Promise<{ comparison: string }>; searchParams: Promise<Search> }) {
  const { comparison } = await params;
  const search = await searchParams;
  const filter = parseQueueFilter(search);
  const res = await loadGuarded(REVIEW_CASE_GUARD, { comparison }, async (ctx) => ({
    c: await loadReviewCase(ctx),
    nav: await loadCaseNavigation(ctx, filter),
  }));
  if (!res.ok) return <PageError error={res} />;
  const { c, nav } = res.data;
  const view = search.view === 'masks' || !c.diff ? 'masks' : 'diff';
  const slice = typeof search.slice === 'string' && /^\d+$/.test(search.slice) ? Number(search.slice) : null;
  const masks = viewerMasks(c.images.masks, 'review');
  const live = masks.find((m) => m.id === 'serving');
  const shadow = masks.find((m) => m.id === 'shadow');
  return (
    <>
      <p>
        <Link href={`/reviews?${new URLSearchParams(queueFilterQuery(filter)).toString()}`}>← Review queue</Link>
      </p>
      <ReviewCaseNav nav={nav} filter={filter} view={view} />
      <h1>
        Review of study {c.studyLabel} <span className="muted mono">{c.id.slice(0, 8)}</span>
      </h1>
      <dl className="facts">
        <dt>Model</dt>
        <dd>
          {c.model}: live {c.liveVersion}, shadow {c.shadowVersion}
        </dd>
        <dt>Compared</dt>
        <dd>{c.createdAt.slice(0, 16).replace('T', ' ')}</dd>
      </dl>
      <h2>Live vs shadow</h2>
      {c.diff && <CaseViewSwitch basePath={`/reviews/${c.id}`} view={view} query={queueFilterQuery(filter)} />}
      {view === 'diff' && c.diff && live && shadow ? (
        <DiffViewer
          volumeUrl={c.images.volume.url}
          live={live}
          shadow={shadow}
          diffUrl={c.diff.diff.url}
          profile={c.diff.profile}
          initialSlice={slice}
          initialPlanes={search.planes === '1'}
        />
      ) : (
        <MaskViewer volumeUrl={c.images.volume.url} masks={masks} layout="side-by-side" modality={c.images.modality} />
      )}
      <h2>Agreement</h2>
      <MetricsTable metrics={c.metrics} />
      <h2>Your verdict</h2>
      <VerdictForm comparisonId={c.id} initial={c.myVerdict} submitVerdictAction={submitVerdictAction} />
    </>
  );
}
