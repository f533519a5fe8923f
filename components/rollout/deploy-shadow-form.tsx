'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { deployShadowAction as deployShadowActionType } from '@/app/(app)/models/actions';

/** "Deploy as shadow" for a registered version, with the reason the slot history will show. */
export function DeployShadowForm({
  modelId,
  versionId,
  label,
  deployShadowAction,
}: {
  modelId: string;
  versionId: string;
  label: string;
  deployShadowAction: typeof deployShadowActionType;
}) {
  const router = useRouter();
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const res = await deployShadowAction({ model: modelId, version: versionId, reason });
          if (res.ok) {
            setMessage({ ok: true, text: 'now in shadow' });
            router.refresh();
          } else setMessage({ ok: false, text: res.error.message });
        });
      }}
    >
      <input aria-label={`Reason to put ${label} in shadow`} placeholder="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" className="secondary" disabled={pending || !reason.trim()}>
        Deploy as shadow
      </button>
      {message && (
        <span role="status" className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </span>
      )}
    </form>
  );
}
