import { describe, expect, it } from 'vitest';
import { decodeRunsCursor, encodeRunsCursor } from './runs-cursor';

describe('runs cursor', () => {
  it('round-trips (created_at to the microsecond, id) through an opaque URL-safe text', () => {
    const c = { at: '2026-11-21T10:00:00.123456Z', id: '3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f' };
    const text = encodeRunsCursor(c);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeRunsCursor(text)).toEqual(c);
  });

  it('rejects what this list did not hand out', () => {
    for (const bad of [
      '',
      'not-a-cursor!',
      Buffer.from('[]').toString('base64url'),
      encodeRunsCursor({ at: '2026-11-21T10:00:00Z', id: 'x' }),
      encodeRunsCursor({ at: '2026-13-45T99:00:00.000000Z', id: '3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f' }),
      'A'.repeat(500),
    ]) {
      expect(decodeRunsCursor(bad), bad).toBeNull();
    }
  });
});
