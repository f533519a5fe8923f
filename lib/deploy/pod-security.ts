/**
 * The restricted Pod Security Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * for every segflow pod: the app, the executor, the migration Job (deploy/k8s/) and the pipeline steps
 * (the Argo WorkflowTemplate). Non-root as uid 10001 (the worker image's user), no privilege escalation,
 * no capabilities, the runtime's default seccomp profile, a read-only root filesystem (writable
 * scratch is an emptyDir at /tmp).
 */
export const SEGFLOW_UID = 10001;

export const RESTRICTED_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: SEGFLOW_UID,
  runAsGroup: SEGFLOW_UID,
  fsGroup: SEGFLOW_UID,
  seccompProfile: { type: 'RuntimeDefault' as const },
};

export const RESTRICTED_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' as const },
};

/** the emptyDir every container mounts at /tmp (the root filesystem is read-only) */
export const TMP_VOLUME = { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } };
export const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };
