import { readFileSync } from 'node:fs';
import type { ArgoConnection } from './argo-http';

/**
 * The Argo Server connection from the environment: ARGO_SERVER, ARGO_NAMESPACE (default `segflow`),
 * the token as ARGO_TOKEN or, on a cluster, ARGO_TOKEN_FILE (a projected service-account token,
 * re-read when it rotates), and ARGO_CA_FILE (PEM bundle of the CA that signed the server's
 * certificate; NODE_EXTRA_CA_CERTS works too). Null when Argo is not configured; a configuration that
 * cannot work is a startup error naming the variable, not a `Bearer ` header sent on every tick.
 */
export function argoConnection(env: Record<string, string | undefined> = process.env): ArgoConnection | null {
  if (!env.ARGO_SERVER) return null;
  let token: ArgoConnection['token'];
  if (env.ARGO_TOKEN_FILE) token = { file: env.ARGO_TOKEN_FILE };
  else if (env.ARGO_TOKEN?.trim()) token = env.ARGO_TOKEN.trim();
  else throw new Error('ARGO_SERVER is set but neither ARGO_TOKEN nor ARGO_TOKEN_FILE is: the executor cannot authenticate to the Argo Server (set ARGO_TOKEN to `argo auth token` of a service account allowed to submit and read workflows, or ARGO_TOKEN_FILE to a projected token)');
  let ca: string | undefined;
  if (env.ARGO_CA_FILE) {
    try {
      ca = readFileSync(env.ARGO_CA_FILE, 'utf8');
    } catch (err) {
      throw new Error(`ARGO_CA_FILE=${env.ARGO_CA_FILE}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message} (the PEM CA bundle of the Argo Server's certificate; unset it when a public CA signed it)`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`ARGO_CA_FILE=${env.ARGO_CA_FILE}: not a PEM certificate bundle`);
  }
  return { server: env.ARGO_SERVER, token, namespace: env.ARGO_NAMESPACE || 'segflow', ...(ca ? { ca } : {}) };
}

/** the executor runs are submitted to: Argo when configured (or SEGFLOW_EXECUTOR=argo), else this machine */
export function executorKind(env: Record<string, string | undefined> = process.env): 'local' | 'argo' {
  return env.SEGFLOW_EXECUTOR === 'argo' || (env.SEGFLOW_EXECUTOR === undefined && env.ARGO_SERVER) ? 'argo' : 'local';
}
