import { apiConnection } from './api-client';

/**
 * One JSON call of the platform's REST API for a CLI command (apiConnection: SEGFLOW_URL and
 * SEGFLOW_TOKEN, or the embedded app with the demo token of `role`). A refusal throws the API's own
 * message, which names the field or the problem.
 */
export async function callApi<T>(method: string, path: string, body?: unknown, role: Parameters<typeof apiConnection>[0] = 'researcher'): Promise<T> {
  const { baseUrl, token } = apiConnection(role);
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok) throw new Error(`${method} ${path}: ${data?.error?.message ?? `HTTP ${res.status}`}`);
  return data as T;
}
