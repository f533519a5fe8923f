import { SignInForm } from '@/components/ui/sign-in-form';
import { signInRefusalMessage } from '@/lib/auth/sign-in-refusals';
import { config } from '@/lib/config';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const sso = Boolean(config().auth.oidc);
  const refused = signInRefusalMessage((await searchParams).error);
  return (
    <div className="signin card">
      <h1>Sign in to segflow</h1>
      {refused && (
        <p className="error" role="alert" data-testid="sign-in-refused">
          {refused}
        </p>
      )}
      <SignInForm sso={sso} />
    </div>
  );
}
