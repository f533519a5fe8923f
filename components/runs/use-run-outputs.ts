'use client';
import { useQuery } from '@tanstack/react-query';
import type { RunOutputDto } from '@/lib/runs/outputs/list-run-outputs';

async function fetchRunOutputs(runId: string): Promise<RunOutputDto[]> {
  const res = await fetch(`/api/runs/${runId}/outputs`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as { outputs?: RunOutputDto[]; error?: { message?: string } } | null;
  if (!res.ok || !body?.outputs) throw new Error(body?.error?.message ?? `the results could not be listed (HTTP ${res.status})`);
  return body.outputs;
}

/** A run's download links, fetched when asked for (each fetch is audited; links live 5 minutes, so never cached). */
export function useRunOutputs(runId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['run-outputs', runId],
    queryFn: () => fetchRunOutputs(runId),
    enabled,
    staleTime: 0,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
}
