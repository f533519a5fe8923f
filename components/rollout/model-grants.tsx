'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { grantModelAction as GrantAction, revokeModelAction as RevokeAction } from '@/app/(app)/models/actions';
import type { GrantView } from '@/lib/models/model-grants';

/** Who may run a model: its owner, the projects granted it, and (for the owner's operators) grant and revoke. */
export function ModelGrants({
  model,
  owner,
  grants,
  canManage,
  actions,
}: {
  model: { id: string; name: string };
  owner: string | null;
  grants: GrantView[];
  canManage: boolean;
  actions: { grantModelAction: typeof GrantAction; revokeModelAction: typeof RevokeAction };
}) {
  const router = useRouter();
  const [project, setProject] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>, done: string) =>
    start(async () => {
      const res = await fn();
      setMessage(res.ok ? { ok: true, text: done } : { ok: false, text: res.error.message });
      if (res.ok) router.refresh();
    });
  return (
    <section aria-label={`Who may use ${model.name}`} data-testid="model-grants">
      <p style={{ margin: '8px 0' }}>
        {owner ? (
          <>
            Owned by project <strong className="mono">{owner}</strong>: its operators and admins change the slot, the gate policy and the grants.
          </>
        ) : (
          <span className="muted">No owning project: every project may use it, nobody may change its slot (register it with --project).</span>
        )}{' '}
        {grants.length === 0 ? <span className="muted">No other project is granted it.</span> : <>Also used by: </>}
      </p>
      {grants.length > 0 && (
        <ul>
          {grants.map((g) => (
            <li key={g.project} data-testid="model-grant">
              <span className="mono">{g.project}</span>{' '}
              <span className="muted">
                granted {g.grantedAt.slice(0, 10)}
                {g.grantedBy ? ` by ${g.grantedBy}` : ''}
              </span>{' '}
              {canManage && (
                <button
                  type="button"
                  className="secondary"
                  disabled={pending}
                  onClick={() => run(() => actions.revokeModelAction({ model: model.id, project: g.project }), `revoked for ${g.project}`)}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => actions.grantModelAction({ model: model.id, project }), `granted to ${project.trim()}`);
          }}
        >
          <input aria-label={`Project to grant ${model.name} to`} placeholder="project slug" value={project} onChange={(e) => setProject(e.target.value)} />
          <button type="submit" className="secondary" disabled={pending || !project.trim()}>
            Grant
          </button>
        </form>
      )}
      {message && (
        <span role="status" className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </span>
      )}
    </section>
  );
}
