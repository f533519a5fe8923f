import { route } from '@/lib/auth/route';
import { DELETE_WEBHOOK_GUARD, deleteWebhookGuarded } from '@/lib/webhooks/guarded-webhook-ops';

/** Removes one of the project's webhooks and its delivery log. */
export const DELETE = route(DELETE_WEBHOOK_GUARD, deleteWebhookGuarded);
