'use client';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';

/** Sets the password through the invitation link (POST /api/invitations/accept), then points to sign-in. */
export function InvitationForm({ token, email }: { token: string; email: string }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = String(form.get('password'));
    if (password !== String(form.get('repeat'))) return setError('The two passwords differ.');
    setBusy(true);
    const res = await fetch('/api/invitations/accept', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password }),
    });
    setBusy(false);
    if (res.ok) return setDone(true);
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    setError(body?.error?.message ?? `HTTP ${res.status}`);
  }

  if (done)
    return (
      <p className="ok" role="status">
        Your password is set. <Link href="/signin">Sign in</Link> as <span className="mono">{email}</span>.
      </p>
    );
  return (
    <form onSubmit={submit}>
      <input type="hidden" name="username" value={email} autoComplete="username" readOnly />
      <label>
        New password (at least 12 characters)
        <br />
        <input name="password" type="password" autoComplete="new-password" minLength={12} required style={{ width: '100%' }} />
      </label>
      <label>
        Repeat it
        <br />
        <input name="repeat" type="password" autoComplete="new-password" minLength={12} required style={{ width: '100%' }} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Set password
      </button>
    </form>
  );
}
