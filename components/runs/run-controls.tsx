'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

type Result = { ok: true } | { ok: false; error: { message: string } };
type ControlAction = (input: { run: string; reason: string }) => Promise<Result>;
type RetryAction = (input: { run: string; reason: string; overrideDomain?: boolean }) => Promise<Result>;

interface Props {
  runId: string;
  status: string;
  /** the server actions (app/(app)/runs/[run]/actions.ts), passed in by the page */
  cancel: ControlAction;
  retry: RetryAction;
  /** the model refused the input as outside its declared domain: Retry may segment it anyway */
  refusedByDomain?: boolean;
}

/**
 * Cancel (a queued or running run) and Retry (a failed or cancelled one) for those allowed
 * (run:manage; the page shows this only to them, the action checks again). Each asks for
 * confirmation and a reason, which goes into the audit log. A run the model refused by its input
 * domain can be retried as an override ("segment it anyway"), stated with the run's result.
 */
export function RunControls({ runId, status, cancel, retry, refusedByDomain = false }: Props) {
  const router = useRouter();
  const verb = status === 'queued' || status === 'running' ? 'cancel' : status === 'failed' || status === 'cancelled' ? 'retry' : null;
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, start] = useTransition();
  if (!verb) return null;
  const label = verb === 'cancel' ? 'Cancel run' : 'Retry run';

  const confirm = () =>
    start(async () => {
      setMessage(null);
      const res = verb === 'cancel' ? await cancel({ run: runId, reason }) : await retry({ run: runId, reason, overrideDomain: override });
      if (res.ok) {
        setAsking(false);
        setReason('');
        setMessage({ ok: true, text: verb === 'cancel' ? 'cancelled' : 'queued again' });
        router.refresh();
      } else setMessage({ ok: false, text: res.error.message });
    });

  return (
    <div className="card" data-testid="run-controls" style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
      {!asking ? (
        <button type="button" className={verb === 'cancel' ? 'secondary' : undefined} onClick={() => setAsking(true)}>
          {label}…
        </button>
      ) : (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            confirm();
          }}
        >
          <span>
            {verb === 'cancel'
              ? 'Cancel this run? Its running step is stopped and nothing after it runs.'
              : 'Run this again? Steps that did not succeed run again; succeeded ones are kept.'}
          </span>
          {verb === 'retry' && refusedByDomain && (
            <label title="the model's declared input domain does not cover this input; its mask is marked as made on your override">
              <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> Segment it anyway (override the model&apos;s input
              domain)
            </label>
          )}
          <input
            aria-label={`Reason to ${verb}`}
            placeholder={`why ${verb === 'cancel' ? 'cancel' : 'retry'} (for the audit log)`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            style={{ minWidth: 280 }}
          />
          <button
            type="submit"
            disabled={busy || reason.trim().length < 3}
            title={reason.trim().length < 3 ? 'give a reason (at least 3 characters)' : undefined}
          >
            {busy ? 'Working…' : verb === 'cancel' ? 'Confirm cancel' : 'Confirm retry'}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setAsking(false)}>
            Back
          </button>
        </form>
      )}
      {message && (
        <span role="status" className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </span>
      )}
    </div>
  );
}
