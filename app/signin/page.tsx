import { SignInForm } from '@/components/ui/sign-in-form';

export default function SignInPage() {
  const sso = Boolean(process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID && process.env.OIDC_CLIENT_SECRET);
  return (
    <div className="signin card">
      <h1>Sign in to segflow</h1>
      <SignInForm sso={sso} />
    </div>
  );
}
