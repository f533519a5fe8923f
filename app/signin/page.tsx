import { SignInForm } from '@/components/ui/sign-in-form';
import { config } from '@/lib/config';

export default function SignInPage() {
  const sso = Boolean(config().auth.oidc);
  return (
    <div className="signin card">
      <h1>Sign in to segflow</h1>
      <SignInForm sso={sso} />
    </div>
  );
}
