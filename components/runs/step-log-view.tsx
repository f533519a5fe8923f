'use client';
import { useState } from 'react';
import { useStepLog } from './use-step-log';

const TAIL = 100;

/**
 * A step's log per attempt, collapsed until opened; the tail first (the last lines, where an error
 * is), everything on request. Live while the step runs.
 */
export function StepLogView({ runId, step, attempts, running }: { runId: string; step: string; attempts: number; running: boolean }) {
  const [open, setOpen] = useState(false);
  // null: follow the latest attempt (a retry adds one while the page is open); a number: the one picked
  const [picked, setPicked] = useState<number | null>(null);
  const [all, setAll] = useState(false);
  const shown = picked !== null && picked <= attempts ? picked : attempts;
  const q = useStepLog(runId, step, shown, { enabled: open, live: running && shown === attempts });
  const lines = q.data?.lines ?? [];
  const visible = all ? lines : lines.slice(-TAIL);
  return (
    <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)} data-testid={`log-${step}`}>
      <summary className="muted">log{attempts > 1 ? 's' : ''}</summary>
      {attempts > 1 && (
        <select
          aria-label={`Attempt of ${step}`}
          value={shown}
          onChange={(e) => setPicked(Number(e.target.value) === attempts ? null : Number(e.target.value))}
        >
          {Array.from({ length: attempts }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              attempt {n}
            </option>
          ))}
        </select>
      )}
      {q.isPending && open && <div className="muted">loading…</div>}
      {q.error && <div className="error">{q.error.message}</div>}
      {q.data && !q.data.stored && <div className="muted">nothing stored for attempt {shown}</div>}
      {q.data?.stored && (
        <>
          {lines.length > visible.length && (
            <button type="button" className="secondary" onClick={() => setAll(true)}>
              show all {lines.length} lines (the last {TAIL} are shown)
            </button>
          )}
          <pre
            className="mono"
            style={{ maxHeight: 240, overflow: 'auto', background: '#0f172a', color: '#e2e8f0', padding: 8, borderRadius: 6, whiteSpace: 'pre-wrap' }}
          >
            {visible.map((l, i) => (
              // lines have no identity of their own; the list only grows at its end
              // biome-ignore lint/suspicious/noArrayIndexKey: a log line's position is its identity
              <div key={i} className={l.stream === 'stderr' ? 'log-stderr' : undefined}>
                <span style={{ color: '#64748b' }}>{l.t.slice(11, 19)} </span>
                {l.stream === 'executor' ? <em>{l.line}</em> : l.line}
              </div>
            ))}
            {running && shown === attempts && <div style={{ color: '#64748b' }}>… running</div>}
          </pre>
        </>
      )}
    </details>
  );
}
