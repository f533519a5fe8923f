'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type {
  createWebhookAction as CreateAction,
  deleteWebhookAction as DeleteAction,
  pingWebhookAction as PingAction,
} from '@/app/(app)/settings/project/actions';

export function WebhookManager({
  project,
  hooks,
  events,
  createWebhookAction,
  deleteWebhookAction,
  pingWebhookAction,
}: {
  project: string;
  hooks: { id: string; url: string; events: string[]; createdAt: string }[];
  events: { name: string; description: string }[];
  createWebhookAction: typeof CreateAction;
  deleteWebhookAction: typeof DeleteAction;
  pingWebhookAction: typeof PingAction;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<string[]>(events.filter((e) => e.name !== 'run.succeeded').map((e) => e.name));
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="card">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            const res = await createWebhookAction({ project, url, events: chosen });
            if (res.ok) {
              setCreated({ url: res.data.url, secret: res.data.secret });
              setUrl('');
              setError(null);
              router.refresh();
            } else setError(res.error.message);
          });
        }}
      >
        <label>
          URL{' '}
          <input
            aria-label="Webhook URL"
            type="url"
            size={60}
            placeholder="https://hooks.example.org/segflow"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <fieldset>
          <legend>Events</legend>
          {events.map((ev) => (
            <label key={ev.name} className="checkbox-row">
              <input
                type="checkbox"
                checked={chosen.includes(ev.name)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, ev.name] : c.filter((x) => x !== ev.name)))}
              />{' '}
              <span className="mono">{ev.name}</span> — {ev.description}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={pending || !url.trim() || chosen.length === 0}>
          Add webhook
        </button>
      </form>
      {created && (
        <p role="status">
          Secret for {created.url} (copy it now, it is not shown again):{' '}
          <span className="mono" data-testid="webhook-secret">
            {created.secret}
          </span>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {hooks.length === 0 ? (
        <p className="muted">
          No webhooks yet: add a URL above to hear of failed runs, promotions waiting for approval, automatic rollbacks and refused uploads.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>URL</th>
              <th>Events</th>
              <th>Added</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {hooks.map((h) => (
              <tr key={h.id}>
                <td className="mono">{h.url}</td>
                <td>{h.events.join(', ')}</td>
                <td>{h.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={pending}
                    title="Queue a signed test event (ping) for this URL; the delivery log below shows how it went"
                    onClick={() =>
                      start(async () => {
                        const res = await pingWebhookAction({ project, webhook: h.id });
                        setError(res.ok ? null : res.error.message);
                        router.refresh();
                      })
                    }
                  >
                    Send test event
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={pending}
                    onClick={() =>
                      start(async () => {
                        const res = await deleteWebhookAction({ project, webhook: h.id });
                        if (!res.ok) setError(res.error.message);
                        router.refresh();
                      })
                    }
                  >
                    Remove
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
