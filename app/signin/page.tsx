import { SignInForm } from '@/components/ui/sign-in-form';
import { returnPath } from '@/lib/auth/return-path';
import { signInRefusalMessage } from '@/lib/auth/sign-in-refusals';
import { config } from '@/lib/config';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; next?: string | string[] }> }) {
  const sso = Boolean(config().auth.oidc);
  const sp = await searchParams;
  const refused = signInRefusalMessage(sp.error);
  const next = returnPath(typeof sp.next === 'string' ? sp.next : null);
  return (
    <div className="signin card">
      <h1>Sign in to segflow</h1>
      {refused && (
        <p className="error" role="alert" data-testid="sign-in-refused">
          {refused}
        </p>
      )}
      <SignInForm sso={sso} next={next} />
    </div>
  );
}
