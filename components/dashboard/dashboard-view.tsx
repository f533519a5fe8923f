'use client';
import { shadowAgreementSeries, stepDurationSeries } from '@/lib/dashboard/chart-series';
import type { DashboardRangeSpec } from '@/lib/dashboard/dashboard-range';
import type { DashboardDto } from '@/lib/dashboard/get-dashboard';
import { ChartCard } from './chart-card';
import { FailureReasonsChart } from './failure-reasons-chart';
import { QueueDepthChart } from './queue-depth-chart';
import { RunsByStatusChart } from './runs-by-status-chart';
import { ServingLatencyChart } from './serving-latency-chart';
import { ShadowAgreementChart } from './shadow-agreement-chart';
import { ReferenceAccuracyChart } from './reference-accuracy-chart';
import { StepDurationsChart } from './step-durations-chart';
import { useDashboard } from './use-dashboard';

/** The dashboard's charts for one project and range; data through useDashboard, shaped here, drawn by the charts. */
export function DashboardView({ project, range, initial }: { project: string; range: DashboardRangeSpec; initial: DashboardDto }) {
  const { data, error } = useDashboard(project, range, initial);
  const d = data ?? initial;
  const anyRuns = d.runsByStatus.some((p) => p.queued + p.running + p.succeeded + p.failed + p.cancelled > 0);
  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error.message} (showing the last data)
        </p>
      )}
      <div className="chart-grid">
        <ChartCard id="runs-by-status" title="Runs by status" empty={!anyRuns} emptyText="Runs submitted in this range appear here, stacked by their status.">
          <RunsByStatusChart points={d.runsByStatus} bucket={d.bucket} />
        </ChartCard>
        <ChartCard
          id="queue-depth"
          title="Runs waiting and running (per interval)"
          empty={!anyRuns && d.queueDepth.every((p) => p.queued + p.running === 0)}
          emptyText="How many runs waited in the queue and how many ran in each interval appears here once runs are submitted."
        >
          <QueueDepthChart points={d.queueDepth} bucket={d.bucket} />
        </ChartCard>
        <ChartCard
          id="step-durations"
          title="Step duration p50 / p95"
          empty={d.stepDurations.length === 0}
          emptyText="Each pipeline step's median and 95th-percentile duration appears here once steps finish."
        >
          <StepDurationsChart data={stepDurationSeries(d.stepDurations)} bucket={d.bucket} />
        </ChartCard>
        <ChartCard
          id="serving-latency"
          title="Serving model latency per version"
          empty={d.servingLatency.length === 0}
          emptyText="The serving inference time of each model version appears here once runs have segmented."
        >
          <ServingLatencyChart versions={d.servingLatency} />
        </ChartCard>
        <ChartCard
          id="shadow-agreement"
          title="Live vs shadow agreement (Dice)"
          empty={d.shadowAgreement.length === 0}
          emptyText="When a shadow model is deployed, its per-label Dice against the serving model (median and 10th percentile) appears here per day."
        >
          <ShadowAgreementChart data={shadowAgreementSeries(d.shadowAgreement)} bucket={d.bucket} />
        </ChartCard>
        <ChartCard
          id="reference-accuracy"
          title="Accuracy against reference segmentations (Dice)"
          empty={d.referenceAccuracy.length === 0}
          emptyText="When studies have reference segmentations (ground truth), each model version's mean Dice against them appears here per label."
        >
          <ReferenceAccuracyChart points={d.referenceAccuracy} />
        </ChartCard>
        <ChartCard
          id="failure-reasons"
          title="Top failure reasons"
          empty={d.failureReasons.length === 0}
          emptyText="No step failed in this range. Failures appear here grouped by step and error."
        >
          <FailureReasonsChart reasons={d.failureReasons} />
        </ChartCard>
      </div>
    </>
  );
}
