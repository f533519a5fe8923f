import type { redeliverWebhookAction as RedeliverAction } from '@/app/(app)/settings/project/actions';
import { RedeliverButton } from './redeliver-button';

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');

/** The project's newest webhook deliveries: what was sent where, how each attempt went, and when the next one is. */
export function WebhookDeliveryLog({
  project,
  deliveries,
  redeliverAction,
}: {
  project: string;
  redeliverAction: typeof RedeliverAction;
  deliveries: {
    id: string;
    url: string;
    event: string;
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    nextAttemptAt: string | null;
    lastStatusCode: number | null;
    lastError: string | null;
    createdAt: string;
    deliveredAt: string | null;
  }[];
}) {
  if (deliveries.length === 0) return <p className="muted">No deliveries yet: each event sent to a webhook shows here with its attempts.</p>;
  return (
    <table data-testid="webhook-deliveries">
      <thead>
        <tr>
          <th>Event</th>
          <th>URL</th>
          <th>Status</th>
          <th>Attempts</th>
          <th>Last answer</th>
          <th>Created</th>
          <th>Delivered / next try</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} data-testid="delivery-row">
            <td className="mono">{d.event}</td>
            <td className="mono">{d.url}</td>
            <td>{d.status}</td>
            <td>{d.attempts}</td>
            <td>{d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '')}</td>
            <td>{when(d.createdAt)}</td>
            <td>{d.status === 'delivered' ? when(d.deliveredAt) : d.status === 'pending' ? `next ${when(d.nextAttemptAt)}` : 'given up'}</td>
            <td>
              <RedeliverButton project={project} delivery={d.id} redeliverAction={redeliverAction} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
