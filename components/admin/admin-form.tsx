'use client';
import { useRouter } from 'next/navigation';
import { type ReactNode, useState, useTransition } from 'react';

type Result = { ok: true; data: unknown } | { ok: false; error: { message: string } };

/**
 * A small form bound to one administration server action: the fields' values (by name) are its
 * input; an error is shown in the action's own words; with `showsInvitation` a success shows the
 * one-time invitation link it answered (shown once: copy it now). The page is refreshed after a success.
 */
export function AdminForm({
  label,
  submit,
  fixed = {},
  run,
  showsInvitation,
  children,
  confirm,
  secondary,
}: {
  label: string;
  submit: string;
  fixed?: Record<string, unknown>;
  run: (input: unknown) => Promise<Result>;
  showsInvitation?: boolean;
  children?: ReactNode;
  confirm?: string;
  secondary?: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [out, setOut] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      aria-label={label}
      className="admin-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (confirm && !window.confirm(confirm)) return;
        const form = e.currentTarget;
        const values: Record<string, unknown> = { ...fixed };
        for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v !== '') values[k] = v;
        start(async () => {
          const res = await run(values);
          if (res.ok) {
            setError(null);
            const invitation = (res.data as { invitation?: { url: string } | null }).invitation;
            setOut(showsInvitation && invitation ? invitation.url : null);
            form.reset();
            router.refresh();
          } else setError(res.error.message);
        });
      }}
    >
      {children}{' '}
      <button type="submit" disabled={pending} className={secondary ? 'secondary' : undefined}>
        {submit}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {out && (
        <p>
          One-time invitation link (copy it now, it is not shown again):{' '}
          <span className="mono" data-testid="invitation-link">
            {out}
          </span>
        </p>
      )}
    </form>
  );
}
