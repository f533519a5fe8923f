import { describe, expect, it } from 'vitest';
import { parseViewerUrlState, writeViewerUrlState } from './viewer-url-state';

describe('viewer state in the URL', () => {
  it('writes layout, window and slices (1-based) and reads the same state back, keeping other parameters', () => {
    const state = { layout: '1x3' as const, plane: 'coronal' as const, window: { width: 400, center: 40 }, slices: { axial: 119, sagittal: 0, coronal: 96 } };
    const search = writeViewerUrlState('?tab=steps&ax=3', state);
    expect(search).toBe('?tab=steps&layout=1x3&plane=coronal&ww=400&wc=40&ax=120&sag=1&cor=97');
    expect(parseViewerUrlState(search)).toEqual(state);
  });

  it('leaves out what does not parse instead of failing', () => {
    expect(parseViewerUrlState('?layout=3x3&plane=oblique&ww=-5&wc=40&ax=0&sag=1.5&cor=abc')).toEqual({ slices: {} });
    expect(parseViewerUrlState('')).toEqual({ slices: {} });
  });
});
