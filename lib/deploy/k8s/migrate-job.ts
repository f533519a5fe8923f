import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { TClusterConfig } from '../cluster-config';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, TMP_MOUNT, TMP_VOLUME } from '../pod-security';
import { componentLabels, DB_OWNER_SECRET, PART_OF } from './labels';

/**
 * Migrations as the database owner (its URL in the Secret segflow-db-owner), before the app starts:
 * the app itself connects as a role that owns no table, so it cannot disable the audit log's trigger.
 * Re-run it for every new version (delete the finished Job, apply again).
 */
export function migrateJob(c: TClusterConfig): IJob {
  const labels = componentLabels('migrate');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'segflow-migrate', namespace: c.namespace, labels: { ...labels, ...PART_OF } },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels: { ...labels, ...PART_OF } },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: RESTRICTED_POD_SECURITY,
          containers: [
            {
              name: 'migrate',
              image: c.images.app,
              workingDir: '/app',
              command: ['node', 'bin/segflow.mjs', 'migrate'],
              env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: DB_OWNER_SECRET, key: 'DATABASE_URL' } } }],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              volumeMounts: [TMP_MOUNT],
            },
          ],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}
