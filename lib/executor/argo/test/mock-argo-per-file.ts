/**
 * Test support: one mock Argo Server for a test file (started before its tests, reset before each,
 * closed after), and the connection the client under test uses to reach it.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ARGO_TEST_TOKEN, startMockArgoServer, type MockArgoServer } from '@/test/mock-argo-server';

export function mockArgoServerPerFile(): Pick<MockArgoServer, 'base' | 'requests' | 'responseErrors' | 'handlers'> & {
  conn: () => { server: string; token: string; namespace: string };
} {
  let argo: MockArgoServer | undefined;
  beforeAll(async () => {
    argo = await startMockArgoServer();
  });
  afterAll(() => argo?.close());
  beforeEach(() => argo!.reset());
  return {
    get base() {
      return argo!.base;
    },
    get requests() {
      return argo!.requests;
    },
    get responseErrors() {
      return argo!.responseErrors;
    },
    get handlers() {
      return argo!.handlers;
    },
    set handlers(h) {
      argo!.handlers = h;
    },
    conn: () => ({ server: argo!.base, token: ARGO_TEST_TOKEN, namespace: 'segflow' }),
  };
}
