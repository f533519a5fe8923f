'use client';
import { useQuery } from '@tanstack/react-query';
import type { RunImagesDto } from '@/lib/viewer/schemas';

async function fetchRunImages(runId: string): Promise<RunImagesDto> {
  const res = await fetch(`/api/runs/${runId}/images`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as (RunImagesDto & { error?: { message?: string } }) | null;
  if (!res.ok || !body) throw new Error(body?.error?.message ?? `the images could not be listed (HTTP ${res.status})`);
  return body;
}

/**
 * Fresh links to a run's volume and masks. Links live 5 minutes, so they are never served from
 * cache: each `view` (a layout the page shows) gets its own set, fetched when it is shown.
 */
export function useRunImages(runId: string, view: string) {
  return useQuery({
    queryKey: ['run-images', runId, view],
    queryFn: () => fetchRunImages(runId),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}
