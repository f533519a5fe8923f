import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Headers of the request a server action runs in. Next.js provides them through next/headers; tests
 * and non-Next callers provide them here, so the same guard code runs in both.
 */
const storage = new AsyncLocalStorage<Headers>();

export function runWithRequestHeaders<T>(headers: Headers, fn: () => Promise<T>): Promise<T> {
  return storage.run(headers, fn);
}

export async function currentRequestHeaders(): Promise<Headers> {
  const fromStore = storage.getStore();
  if (fromStore) return fromStore;
  const { headers } = await import('next/headers');
  return new Headers(await headers());
}
