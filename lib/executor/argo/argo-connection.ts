import { readFileSync } from 'node:fs';
import { config, type Config } from '@/lib/config';
import type { ArgoConnection } from './argo-http';

/**
 * The Argo Server connection from the configuration (lib/config): ARGO_SERVER, ARGO_NAMESPACE
 * (default `segflow`), the token as ARGO_TOKEN or, on a cluster, ARGO_TOKEN_FILE (a projected
 * service-account token, re-read when it rotates), and ARGO_CA_FILE (PEM bundle of the CA that signed
 * the server's certificate; NODE_EXTRA_CA_CERTS works too). Null when Argo is not configured; a
 * configuration that cannot work is a startup error naming the variable, not a `Bearer ` header sent
 * on every tick.
 */
export function argoConnection(cfg: Config = config()): ArgoConnection | null {
  const a = cfg.argo;
  if (!a) return null;
  let token: ArgoConnection['token'];
  if (a.tokenFile) token = { file: a.tokenFile };
  else if (a.token) token = a.token;
  else
    throw new Error(
      'ARGO_SERVER is set but neither ARGO_TOKEN nor ARGO_TOKEN_FILE is: the executor cannot authenticate to the Argo Server (set ARGO_TOKEN to `argo auth token` of a service account allowed to submit and read workflows, or ARGO_TOKEN_FILE to a projected token)',
    );
  let ca: string | undefined;
  if (a.caFile) {
    try {
      ca = readFileSync(a.caFile, 'utf8');
    } catch (err) {
      throw new Error(
        `ARGO_CA_FILE=${a.caFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message} (the PEM CA bundle of the Argo Server's certificate; unset it when a public CA signed it)`,
      );
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`ARGO_CA_FILE=${a.caFile}: not a PEM certificate bundle`);
  }
  return { server: a.server, token, namespace: a.namespace, ...(ca ? { ca } : {}) };
}
