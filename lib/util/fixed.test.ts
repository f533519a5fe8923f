import { describe, expect, it } from 'vitest';
import { fixed } from './fixed';

describe('fixed', () => {
  it('rounds as toFixed does, says — for null, and never writes a negative zero', () => {
    expect(fixed(1.23456, 2)).toBe('1.23');
    expect(fixed(-1.25, 1)).toBe('-1.3');
    expect(fixed(-0.04, 1)).toBe('0.0');
    expect(fixed(-0, 2)).toBe('0.00');
    expect(fixed(-0.0001, 0)).toBe('0');
    expect(fixed(null, 1)).toBe('—');
  });
});
