'use client';
import { useQuery } from '@tanstack/react-query';
import { rangeQueryOf, type DashboardRangeSpec } from '@/lib/dashboard/dashboard-range';
import type { DashboardDto } from '@/lib/dashboard/get-dashboard';

async function fetchDashboard(project: string, range: DashboardRangeSpec): Promise<DashboardDto> {
  const res = await fetch(`/api/projects/${encodeURIComponent(project)}/dashboard?${rangeQueryOf(range)}`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as (DashboardDto & { error?: { message?: string } }) | null;
  if (!res.ok || !body) throw new Error(body?.error?.message ?? `the dashboard could not be loaded (HTTP ${res.status})`);
  return body;
}

/**
 * The dashboard of one project and range, refreshed every 30 s while the tab is visible (react-query
 * pauses the interval in a hidden tab). Starts from the page's server-rendered data.
 */
export function useDashboard(project: string, range: DashboardRangeSpec, initialData: DashboardDto) {
  return useQuery({
    queryKey: ['dashboard', project, rangeQueryOf(range)],
    queryFn: () => fetchDashboard(project, range),
    initialData,
    initialDataUpdatedAt: Date.parse(initialData.to),
    refetchInterval: 30_000,
    refetchIntervalInBackground: false,
  });
}
