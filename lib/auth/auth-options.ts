import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { Provider } from 'next-auth/providers/index';
import { users } from '@/db/schema';
import { config } from '../config';
import { getDb } from '../db';
import { appendAuditEvent } from '../audit/append-audit-event';
import { clientAddress } from './client-address';
import { refusedUrl, type SignInRefusal } from './sign-in-refusals';
import { signInWithPassword } from './sign-in-with-password';

/**
 * next-auth: email + password (credentials) for embedded/demo mode and local accounts, and an OIDC
 * provider when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. Sessions are JWTs holding
 * only the user id; roles are read from the database on every request (lib/auth/actor.ts).
 */
function providers(): Provider[] {
  const list: Provider[] = [
    CredentialsProvider({
      id: 'credentials',
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        const email = credentials?.email?.trim().toLowerCase();
        const password = credentials?.password;
        if (!email || !password) return null;
        const res = await signInWithPassword(getDb(), { email, password, address: clientAddress(req?.headers) });
        if (res.ok) return res.user;
        // next-auth hands a thrown message to the sign-in form (res.error); null is its generic failure
        // (a deactivated account is said only to whoever gave its right password)
        if (res.reason === 'throttled' || res.reason === 'deactivated') throw new Error(res.message);
        return null;
      },
    }),
  ];
  const oidc = config().auth.oidc;
  if (oidc) {
    list.push({
      id: 'oidc',
      name: oidc.name,
      type: 'oauth',
      wellKnown: `${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: 'openid email profile' } },
      idToken: true,
      checks: ['pkce', 'state'],
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
      },
    });
  }
  return list;
}

// Secure cookies whenever the app is served over https (the __Secure- prefix and the Secure flag);
// HttpOnly and SameSite=Lax always, so scripts cannot read the session and other sites cannot post with it.
const secureCookies = (config().auth.url ?? '').startsWith('https://');

export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
  useSecureCookies: secureCookies,
  cookies: {
    sessionToken: {
      name: `${secureCookies ? '__Secure-' : ''}next-auth.session-token`,
      options: { httpOnly: true, sameSite: 'lax', path: '/', secure: secureCookies },
    },
  },
  pages: { signIn: '/signin' },
  providers: providers(),
  callbacks: {
    // OIDC users must already exist (invited by an admin: their membership came with the invitation);
    // a refusal goes back to the sign-in page saying why, and is audited
    async signIn({ user, account, profile }) {
      if (account?.provider === 'credentials') return true;
      const email = user.email?.toLowerCase() ?? null;
      const refuse = async (code: SignInRefusal) => {
        await getDb().transaction((tx) =>
          appendAuditEvent(tx, {
            actorLabel: email ?? `${account?.provider}:${user.id}`,
            action: 'auth.signin',
            outcome: 'denied',
            requestId: randomUUID(),
            details: { provider: account?.provider, reason: code },
          }),
        );
        return refusedUrl(code);
      };
      // an address the identity provider has not verified could be anyone's
      if (!email || (profile as { email_verified?: boolean } | undefined)?.email_verified !== true) return refuse('unverified');
      const [row] = await getDb().select({ id: users.id, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.email, email)).limit(1);
      if (!row) return refuse('not_invited');
      if (row.deactivatedAt) return refuse('deactivated');
      return true;
    },
    async jwt({ token, user, account }) {
      if (user && account) {
        if (account.provider === 'credentials') token.sub = user.id;
        else if (user.email) {
          const [row] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, user.email.toLowerCase())).limit(1);
          token.sub = row?.id;
        }
      }
      return token;
    },
    async session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub } };
    },
  },
};
