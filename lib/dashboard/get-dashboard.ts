import type { DbOrTx } from '../db';
import { dashboardRange, type DashboardRange, type DashboardRangeKey, type DashboardRangeSpec } from './dashboard-range';
import { failureReasons, type FailureReason } from './failure-reasons';
import { queueDepth, type QueueDepthPoint } from './queue-depth';
import { referenceAccuracy, type ReferenceAccuracy } from './reference-accuracy';
import { runsByStatus, type RunsByStatusPoint } from './runs-by-status';
import { servingLatency, type ServingLatency } from './serving-latency';
import { shadowAgreement, type ShadowAgreementPoint } from './shadow-agreement';
import { stepDurations, type StepDurationPoint } from './step-durations';

export interface DashboardDto {
  project: string;
  range: DashboardRange['key'];
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  runsByStatus: RunsByStatusPoint[];
  stepDurations: StepDurationPoint[];
  failureReasons: FailureReason[];
  queueDepth: QueueDepthPoint[];
  servingLatency: ServingLatency[];
  shadowAgreement: ShadowAgreementPoint[];
  referenceAccuracy: ReferenceAccuracy[];
}

/** Every chart of the dashboard for one project and range (a preset or a custom one): one aggregate query each. */
export async function getDashboard(
  db: DbOrTx,
  p: { projectId: string; slug: string; range: DashboardRangeKey | DashboardRangeSpec; now?: Date },
): Promise<DashboardDto> {
  const range = dashboardRange(p.range, p.now);
  const q = { projectId: p.projectId, range };
  return {
    project: p.slug,
    range: range.key,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucket: range.bucket,
    runsByStatus: await runsByStatus(db, q),
    stepDurations: await stepDurations(db, q),
    failureReasons: await failureReasons(db, q),
    queueDepth: await queueDepth(db, q),
    servingLatency: await servingLatency(db, q),
    shadowAgreement: await shadowAgreement(db, q),
    referenceAccuracy: await referenceAccuracy(db, q),
  };
}
