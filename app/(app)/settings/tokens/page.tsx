import { z } from 'zod';
import { PageError } from '@/components/ui/page-error';
import { TokenManager } from '@/components/ui/token-manager';
import { createTokenAction, revokeTokenAction } from './actions';
import { listApiTokens } from '@/lib/auth/list-api-tokens';
import { loadGuarded } from '@/lib/auth/page';

export default async function TokensPage() {
  const res = await loadGuarded({ action: 'token.list', permission: 'token:manage', input: z.object({}), project: () => null }, {}, async (ctx) =>
    listApiTokens(ctx.tx, { userId: ctx.actor.userId }),
  );
  if (!res.ok) return <PageError error={res} />;
  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        For the <span className="mono">segflow</span> CLI and scripts: set <span className="mono">SEGFLOW_URL</span> and{' '}
        <span className="mono">SEGFLOW_TOKEN</span>. A token acts with your roles; it is shown once, and it stops working when it expires. Demo tokens (the
        embedded demo mode's, for its published demo users) never expire; an install outside that mode has none.
      </p>
      <TokenManager
        tokens={res.data.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), expiresAt: t.expiresAt?.toISOString() ?? null }))}
        createTokenAction={createTokenAction}
        revokeTokenAction={revokeTokenAction}
      />
    </>
  );
}
