'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { approvePromotionAction, rejectPromotionAction, requestPromotionAction, rollbackAction } from '@/app/(app)/promotions/actions';

interface Props {
  modelId: string;
  stage: 'shadow' | 'canary';
  /** "brain-tissue@1.1.0 (shadow)", for labels */
  name: string;
  /** "canary 10%" or "live" */
  target: string;
  gatePassed: boolean;
  pending: boolean;
  approval: { allowed: boolean; why: string | null };
  actions: {
    requestPromotionAction: typeof requestPromotionAction;
    approvePromotionAction: typeof approvePromotionAction;
    rejectPromotionAction: typeof rejectPromotionAction;
    rollbackAction: typeof rollbackAction;
  };
}

/**
 * Request promotion / Approve or Reject a request (with reason) / Roll back (with reason) for one candidate. The server
 * decides (gate, four eyes); this only calls the actions and shows their answer.
 */
export function PromotionControls({ modelId, stage, name, target, gatePassed, pending, approval, actions }: Props) {
  const { requestPromotionAction, approvePromotionAction, rejectPromotionAction, rollbackAction } = actions;
  const router = useRouter();
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, start] = useTransition();

  const run = (label: string, call: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>) =>
    start(async () => {
      setMessage(null);
      const res = await call();
      if (res.ok) {
        setReason('');
        setMessage({ ok: true, text: label });
        router.refresh();
      } else setMessage({ ok: false, text: res.error.message });
    });

  return (
    <div className="controls" data-testid={`controls-${stage}`} style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center', marginTop: 8 }}>
      <button
        type="button"
        disabled={busy || !gatePassed || pending}
        title={pending ? 'a request is waiting for approval' : gatePassed ? `ask another operator to approve ${target}` : 'the gate has not passed'}
        onClick={() => run('promotion requested', () => requestPromotionAction({ model: modelId, stage }))}
      >
        Request promotion to {target}
      </button>
      <input
        aria-label={`Reason for ${name}`}
        placeholder="reason (required to approve, reject or roll back)"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        // wide enough for the whole placeholder (it was cut off at "roll")
        style={{ minWidth: '44ch' }}
      />
      <button
        type="button"
        disabled={busy || !pending || !approval.allowed || !reason.trim()}
        title={approval.why ?? (reason.trim() ? `approve ${target}` : 'give a reason')}
        onClick={() => run(`approved: now ${target}`, () => approvePromotionAction({ model: modelId, stage, reason }))}
      >
        Approve
      </button>
      <button
        type="button"
        className="secondary"
        disabled={busy || !pending || !reason.trim()}
        title={!pending ? 'no request is waiting' : reason.trim() ? `decline the request; ${name} stays where it is` : 'give a reason'}
        onClick={() => run('request rejected', () => rejectPromotionAction({ model: modelId, stage, reason }))}
      >
        Reject
      </button>
      <button
        type="button"
        className="secondary"
        disabled={busy || !reason.trim()}
        title={`take ${name} off the slot; the live version keeps serving`}
        onClick={() => run('rolled back', () => rollbackAction({ model: modelId, stage, reason }))}
      >
        Roll back
      </button>
      {pending && !approval.allowed && approval.why && <span className="muted">{approval.why}</span>}
      {message && (
        <span role="status" className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </span>
      )}
    </div>
  );
}
