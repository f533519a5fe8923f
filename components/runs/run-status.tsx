/** A run's or step's status as a labelled badge (the colours are in globals.css). */
export function RunStatus({ status }: { status: string }) {
  return (
    <span className={`status status-${status}`} data-testid="run-status">
      {status}
    </span>
  );
}
