import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appUrl, config } from '../config';

/**
 * How CLI commands reach the running app: SEGFLOW_URL and SEGFLOW_TOKEN, or, on the embedded
 * default, the app URL from .data/runtime.json and the demo token of `role` from .data/demo-tokens.json.
 */
export function apiConnection(role: 'researcher' | 'reviewer' | 'operator' | 'admin' = 'researcher'): { baseUrl: string; token: string } {
  const baseUrl = appUrl().replace(/\/$/, '');
  let token = config().api.token;
  if (!token) {
    const file = join(config().dataDir, 'demo-tokens.json');
    if (existsSync(file)) token = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)[role];
  }
  if (!token) throw new Error('no API token: set SEGFLOW_TOKEN (create one under Settings → API tokens) or run `segflow start` for the demo tokens');
  return { baseUrl, token };
}
