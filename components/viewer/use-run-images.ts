'use client';
import { useQuery } from '@tanstack/react-query';
import type { RunDicomImagesDto, RunImagesDto } from '@/lib/viewer/schemas';

async function fetchRunImages(runId: string, format: 'nifti' | 'dicom'): Promise<RunImagesDto | RunDicomImagesDto> {
  const res = await fetch(`/api/runs/${runId}/images${format === 'dicom' ? '?format=dicom' : ''}`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as ((RunImagesDto | RunDicomImagesDto) & { error?: { message?: string } }) | null;
  if (!res.ok || !body) throw new Error(body?.error?.message ?? `the images could not be listed (HTTP ${res.status})`);
  return body;
}

/**
 * Fresh links to a run's volume and masks (`dicom`: its de-identified instances and DICOM SEGs).
 * Links live 5 minutes, so they are never served from cache: each `view` (a layout the page shows)
 * gets its own set, fetched when it is shown.
 */
export function useRunImages(runId: string, view: string, format: 'nifti' | 'dicom' = 'nifti') {
  return useQuery({
    queryKey: ['run-images', runId, view, format],
    queryFn: () => fetchRunImages(runId, format),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}
