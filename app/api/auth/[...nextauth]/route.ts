import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/auth-options';

// next-auth's own endpoints (sign-in, callback, session, csrf): authentication itself, not guarded.
const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
