import { AppError } from '../errors';
import type { Config } from '../config';
import { argoConnection, ArgoExecutor } from './argo/argo-executor';
import type { Executor } from './executor';
import type { ExecutorHeartbeat } from './health-file';
import { LocalExecutor } from './local/local-executor';

/**
 * The executor of this deployment, from its configuration: where the kind is chosen (config
 * executor.kind: SEGFLOW_EXECUTOR, or Argo when ARGO_SERVER is set). Used by `segflow executor` and by
 * an app process that runs its executor inside (instrumentation.ts).
 */
export function createExecutor(cfg: Config, opts: { onHeartbeat?: (beat: ExecutorHeartbeat) => void } = {}): Executor {
  const { kind, pollMs, leaseS } = cfg.executor;
  switch (kind) {
    case 'local':
      return new LocalExecutor({ pollMs, leaseS, onHeartbeat: opts.onHeartbeat });
    case 'argo': {
      const conn = argoConnection(cfg);
      if (!conn) throw new AppError('invalid_input', 'configuration: the Argo executor needs ARGO_SERVER (and ARGO_TOKEN, ARGO_NAMESPACE)');
      return new ArgoExecutor(conn, { pollMs: Math.max(pollMs, 5000), leaseS, onHeartbeat: opts.onHeartbeat });
    }
  }
}
