/**
 * A real OpenID provider (the `oidc-provider` package, its development login pages) for the
 * single sign-on e2e: any login name is accepted as the account, and it is also its email; a name
 * starting with "unverified" has email_verified false. One confidential client: the e2e app.
 * Usage: node e2e/oidc/provider.mjs <port> <app base url> <client id> <client secret> (playwright.config.ts starts it)
 */
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const [port, appUrl, clientId, clientSecret] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
const issuer = `http://localhost:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${appUrl}/api/auth/callback/oidc`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // the client asks for these scopes; answer the claims in the ID token too (next-auth reads it)
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['segflow-e2e-oidc-cookie-key'] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: !id.startsWith('unverified'), name: `SSO ${id.split('@')[0]}` };
      },
    };
  },
});
provider.on('server_error', (_ctx, err) => console.error('[oidc] server error', err));

const server = createServer(provider.callback());
// every local address: `localhost` may resolve to ::1 or 127.0.0.1 in the app server
server.listen(port, () => console.log(`[oidc] provider at ${issuer} for ${appUrl}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
