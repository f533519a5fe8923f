'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { redeliverWebhookAction as RedeliverAction } from '@/app/(app)/settings/project/actions';

/** Queues one delivery again; the log shows the new delivery once the page refreshes. */
export function RedeliverButton({ project, delivery, redeliverAction }: { project: string; delivery: string; redeliverAction: typeof RedeliverAction }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const res = await redeliverAction({ project, delivery });
            setError(res.ok ? null : res.error.message);
            router.refresh();
          })
        }
      >
        Redeliver
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
