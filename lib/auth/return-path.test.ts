import { describe, expect, it } from 'vitest';
import { returnPath, signInHref } from './return-path';

describe('the page sign-in returns to', () => {
  it('keeps a path of this app with its query', () => {
    expect(returnPath('/runs/ba46a7e5-1c2d-4e5f-8a9b-0c1d2e3f4a5b?layout=2x2&slice=40')).toBe('/runs/ba46a7e5-1c2d-4e5f-8a9b-0c1d2e3f4a5b?layout=2x2&slice=40');
    expect(signInHref('/runs?status=failed')).toBe('/signin?next=%2Fruns%3Fstatus%3Dfailed');
  });

  it('never sends anyone to another origin, the sign-in page itself or nowhere', () => {
    for (const raw of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '/signin',
      '/signin?next=/x',
      '',
      null,
      undefined,
      '/a b',
      `/${'x'.repeat(2001)}`,
    ])
      expect(returnPath(raw)).toBe('/');
    expect(signInHref('//evil.example')).toBe('/signin');
    expect(returnPath('/signinfo')).toBe('/signinfo');
  });
});
