'use client';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

/** `next`: the page to go back to after signing in (already checked to be one of this app's paths). */
export function SignInForm({ sso, next = '/' }: { sso: boolean; next?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn('credentials', { email: String(form.get('email')), password: String(form.get('password')), redirect: false });
    setBusy(false);
    if (res?.ok) {
      router.push(next);
      router.refresh();
    }
    // a throttled sign-in carries its own message (how long to wait); every other failure is generic
    else setError(res?.error && res.error !== 'CredentialsSignin' ? res.error : 'Wrong email or password.');
  }

  return (
    <form onSubmit={submit}>
      <label>
        Email
        <br />
        <input name="email" type="email" autoComplete="username" required style={{ width: '100%' }} />
      </label>
      <label>
        Password
        <br />
        <input name="password" type="password" autoComplete="current-password" required style={{ width: '100%' }} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Sign in
      </button>
      {sso && (
        <button type="button" className="secondary" onClick={() => signIn('oidc', { callbackUrl: next })}>
          Sign in with single sign-on
        </button>
      )}
    </form>
  );
}
