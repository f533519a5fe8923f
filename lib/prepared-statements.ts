import type postgres from 'postgres';

/**
 * A postgres.js client whose queries are all prepared (named statements, parsed and described once
 * per connection), for drizzle. drizzle-orm 0.45 passes `prepare: false` to postgres.js for every
 * query not given a name with `.prepare(name)`, and postgres.js then describes each query that has
 * parameters in a round trip of its own before it runs it: two round trips, and a parse and plan on
 * the server, per statement. Prepared, a statement seen before on the connection takes one.
 *
 * Transactions and savepoints hand drizzle a client of their own; those are wrapped too.
 */
export function preparing<T extends postgres.Sql | postgres.TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, params?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params, { ...options, prepare: true });
      }
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.TransactionSql) => unknown;
          return (Reflect.get(target, key) as (...a: unknown[]) => unknown)(...args, (tx: postgres.TransactionSql) => fn(preparing(tx)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
