import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Failed sign-ins, per account (the email as typed, lowercased: unknown emails are throttled the same
 * way, so the throttle does not tell which accounts exist) and per client address. In PostgreSQL so
 * that it holds across app replicas. A success clears the account's row; rows of addresses age out.
 */
export const signInThrottle = pgTable(
  'sign_in_throttle',
  {
    scope: text('scope', { enum: ['account', 'address'] }).notNull(),
    key: text('key').notNull(),
    failures: integer('failures').notNull().default(0),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
    /** no attempt is checked before this time (exponential back-off after the free attempts) */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [primaryKey({ name: 'sign_in_throttle_pk', columns: [t.scope, t.key] })],
);
export type SignInThrottle = typeof signInThrottle.$inferSelect;
