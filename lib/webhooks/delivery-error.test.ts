import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { freePort } from '../../test/free-port';
import { deliveryError } from './delivery-error';

const caught = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the request to fail');
};

describe('deliveryError', () => {
  it('says why Node\'s fetch failed, not "TypeError: fetch failed"', async () => {
    const closed = await freePort();
    const refused = await caught(fetch(`http://127.0.0.1:${closed}/hook`, { method: 'POST', body: '{}' }));
    expect(String(refused)).toContain('fetch failed');
    expect(deliveryError(refused, 10_000)).toBe('connection refused (nothing listens at that address and port) (ECONNREFUSED)');
  });

  it('says the receiver did not answer in time', async () => {
    // accepts the connection and never answers
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const err = await caught(fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(200) }));
      expect(deliveryError(err, 200)).toBe('no answer within 0.2 s');
    } finally {
      silent.close();
    }
  });

  it("keeps segflow's own refusals (a target it will not call) and anything else readable", () => {
    expect(deliveryError(new AppError('invalid_input', 'https://10.0.0.1/x: a private address'), 1000)).toBe('https://10.0.0.1/x: a private address');
    expect(deliveryError(new TypeError('fetch failed', { cause: { code: 'EWHATEVER' } }), 1000)).toBe('could not deliver (EWHATEVER)');
    expect(deliveryError('odd', 1000)).toBe('odd');
  });
});
