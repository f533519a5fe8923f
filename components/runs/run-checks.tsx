import type { RunStepDto } from '@/lib/runs/schemas';
import { RunStatus } from './run-status';

/** A succeeded run's warnings (implausible outputs): shown above everything else on the run page. */
export function RunWarnings({ warnings }: { warnings: string[] }) {
  if (!warnings.length) return null;
  return (
    <div className="warning" role="alert" data-testid="run-warnings">
      <strong>This mask looks implausible — check it before you use it.</strong>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * An infer task's input-domain and output-plausibility checks: what was checked, expected, found.
 * `title` says whose they are (the serving model's or the shadow's): a run may show both.
 */
export function RunChecks({ step, title }: { step: RunStepDto; title: string }) {
  if (!step.checks?.length) return null;
  return (
    <table aria-label={`Checks of ${step.name}`}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>Check</th>
          <th>Outcome</th>
          <th>Expected</th>
          <th>Found</th>
        </tr>
      </thead>
      <tbody>
        {step.checks.map((c) => (
          <tr key={c.check} data-testid="check-row">
            <td>{c.check}</td>
            <td>
              <RunStatus status={c.outcome} />
            </td>
            <td>{c.expected}</td>
            <td>{c.found}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
