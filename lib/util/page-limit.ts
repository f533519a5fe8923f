import { z } from 'zod';

/**
 * A list's `limit` query parameter: how many items one page holds, a whole number from 1 to `max`
 * (`defaultLimit` when absent). Every refusal says the bounds — "must be a whole number from 1 to
 * 200" — whether the value is text, a fraction, 0 or too large. A blank one (`?limit=` from a form)
 * is the default, as in every list.
 */
export function ZPageLimit(max: number, defaultLimit: number) {
  const error = `must be a whole number from 1 to ${max}`;
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number({ error }).int({ error }).min(1, { error }).max(max, { error }).default(defaultLimit),
  );
}
