/** The labels every segflow object carries, and the selector labels of each component's pods. */
export type Component = 'app' | 'executor' | 'migrate';

export function componentLabels(component: Component): Record<string, string> {
  return { 'app.kubernetes.io/name': 'segflow', 'app.kubernetes.io/component': component };
}

export const PART_OF = { 'app.kubernetes.io/part-of': 'segflow' } as const;

/** the Secret and ConfigMap the app, the executor and the migration Job read their settings from */
export const APP_SECRET = 'segflow-app';
export const APP_CONFIG_MAP = 'segflow-app';
/** the database owner's URL (migrations only: the app connects as a role that owns nothing) */
export const DB_OWNER_SECRET = 'segflow-db-owner';
/** optional: the CA bundle of the Argo Server's certificate (key ca.crt) */
export const ARGO_CA_CONFIG_MAP = 'segflow-argo-ca';
export const APP_PORT = 3000;
