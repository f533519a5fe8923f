'use client';
import { useQuery } from '@tanstack/react-query';
import type { StepLogDto } from '@/lib/runs/logs/get-step-log';

async function fetchStepLog(runId: string, step: string, attempt: number): Promise<StepLogDto> {
  const res = await fetch(`/api/runs/${runId}/steps/${encodeURIComponent(step)}/logs?attempt=${attempt}`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as { log?: StepLogDto; error?: { message?: string } } | null;
  if (!res.ok || !body?.log) throw new Error(body?.error?.message ?? `the log could not be read (HTTP ${res.status})`);
  return body.log;
}

/** One attempt's log of a run step; refreshed every 2 s while the step runs (and the log is shown). */
export function useStepLog(runId: string, step: string, attempt: number, opts: { enabled: boolean; live: boolean }) {
  return useQuery({
    queryKey: ['step-log', runId, step, attempt],
    queryFn: () => fetchStepLog(runId, step, attempt),
    enabled: opts.enabled,
    refetchInterval: opts.live ? 2000 : false,
    refetchIntervalInBackground: false,
  });
}
