/** the project's de-identification secret: an environment variable of the step (a Kubernetes secret under Argo), never in the invocation */
export const DEID_SECRET_ENV = 'SEGFLOW_DEID_SECRET';
