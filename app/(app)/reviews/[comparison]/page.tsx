import Link from 'next/link';
import { MetricsTable } from '@/components/review/metrics-table';
import { VerdictForm } from '@/components/review/verdict-form';
import { submitVerdictAction } from './actions';
import { MaskViewer } from '@/components/viewer/mask-viewer';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded } from '@/lib/auth/page';
import { loadReviewCase, REVIEW_CASE_GUARD } from '@/lib/reviews/load-review-case';
import { viewerMasks } from '@/components/viewer/viewer-masks';

export default async function ReviewCasePage({ params }: { params: Promise<{ comparison: string }> }) {
  const { comparison } = await params;
  const res = await loadGuarded(REVIEW_CASE_GUARD, { comparison }, loadReviewCase);
  if (!res.ok) return <Forbidden message={res.message} />;
  const c = res.data;
  return (
    <>
      <p>
        <Link href="/reviews">← Review queue</Link>
      </p>
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
      <MaskViewer volumeUrl={c.images.volume.url} masks={viewerMasks(c.images.masks, 'review')} layout="side-by-side" modality={c.images.modality} />
      <h2>Agreement</h2>
      <MetricsTable metrics={c.metrics} />
      <h2>Your verdict</h2>
      <VerdictForm comparisonId={c.id} initial={c.myVerdict} submitVerdictAction={submitVerdictAction} />
    </>
  );
}
