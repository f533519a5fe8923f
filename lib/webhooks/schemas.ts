import { z } from 'zod';
import { ZPageLimit } from '../util/page-limit';
import { ZWebhookEvent } from './events';

export const ZCreateWebhook = z.object({
  project: z.string().min(1),
  url: z.string().trim().min(1, 'a URL is required').max(2000),
  events: z.array(ZWebhookEvent).min(1, 'choose at least one event'),
});
export const ZWebhookRef = z.object({ project: z.string().min(1), webhook: z.uuid() });
export const ZListDeliveries = z.object({
  project: z.string().min(1),
  webhook: z.uuid().optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: ZPageLimit(200, 50),
});
export const ZDeliveryRef = z.object({ project: z.string().min(1), delivery: z.uuid({ message: 'expected a delivery id (a UUID)' }) });
