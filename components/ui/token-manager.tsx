'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { createTokenAction as createTokenActionType, revokeTokenAction as revokeTokenActionType } from '@/app/(app)/settings/tokens/actions';

const LIFETIMES = [30, 90, 365] as const;

export function TokenManager({
  tokens,
  createTokenAction,
  revokeTokenAction,
}: {
  tokens: { id: string; name: string; createdAt: string; expiresAt: string | null }[];
  createTokenAction: typeof createTokenActionType;
  revokeTokenAction: typeof revokeTokenActionType;
}) {
  const router = useRouter();
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [name, setName] = useState('');
  const [days, setDays] = useState<(typeof LIFETIMES)[number]>(90);

  return (
    <div className="card">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            const res = await createTokenAction({ name, expiresInDays: days });
            if (res.ok) {
              setCreated(res.data.token);
              setName('');
              setError(null);
              router.refresh();
            } else setError(res.error.message);
          });
        }}
      >
        <input aria-label="Token name" placeholder="name, e.g. laptop" value={name} onChange={(e) => setName(e.target.value)} />{' '}
        <select aria-label="Expires after" value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof LIFETIMES)[number])}>
          {LIFETIMES.map((d) => (
            <option key={d} value={d}>
              expires in {d} days
            </option>
          ))}
        </select>{' '}
        <button type="submit" disabled={pending || !name.trim()}>
          Create token
        </button>
      </form>
      {created && (
        <p>
          New token (copy it now):{' '}
          <span className="mono" data-testid="new-token">
            {created}
          </span>
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {tokens.length === 0 ? (
        <p className="muted" data-testid="no-tokens">
          You have no API tokens yet. Name one above and create it to use the CLI or a script as yourself.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Expiry</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td data-testid="token-expiry">
                  {/* only the demo seeding of the embedded mode makes tokens without an end (lib/platform/seed-demo.ts) */}
                  {t.expiresAt ? `expires ${t.expiresAt.slice(0, 10)}` : 'demo token of the embedded demo mode (never expires; .data/demo-tokens.json)'}
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      // a revoked token stops at once for every script using it: asked first, as Deactivate is
                      if (!window.confirm(`Revoke the token "${t.name}"? Scripts using it stop working at once.`)) return;
                      start(async () => {
                        await revokeTokenAction({ id: t.id });
                        router.refresh();
                      });
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
