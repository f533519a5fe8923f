/**
 * Why a single sign-on was refused, as the sign-in page says it (its `error` parameter). The codes
 * are ours (auth-options.ts' signIn callback); any other is next-auth's own failure.
 */
export const SIGN_IN_REFUSALS = {
  not_invited: 'Your single sign-on account signed in, but its email is not invited to segflow. Ask an admin of your project to invite this email address.',
  unverified: 'Your identity provider has not verified the email address of this account, so segflow cannot tell whose it is. Verify it there, then try again.',
  deactivated: 'This account has been deactivated by an admin.',
} as const;
export type SignInRefusal = keyof typeof SIGN_IN_REFUSALS;

export function signInRefusalMessage(code: string | undefined): string | null {
  if (!code) return null;
  if (code in SIGN_IN_REFUSALS) return SIGN_IN_REFUSALS[code as SignInRefusal];
  return 'Sign-in failed. Try again, or ask an admin.';
}

export const refusedUrl = (code: SignInRefusal) => `/signin?error=${code}`;
