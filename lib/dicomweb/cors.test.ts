import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { dicomwebCorsHeaders } from './cors';

describe('DICOMweb CORS', () => {
  const allowed = ['https://ohif.example.org'];

  it('answers only the configured origins, never with credentials', () => {
    const h = dicomwebCorsHeaders('https://ohif.example.org', allowed, true);
    expect(h['Access-Control-Allow-Origin']).toBe('https://ohif.example.org');
    expect(h['Access-Control-Allow-Headers']).toMatch(/Authorization/);
    expect(h['Access-Control-Expose-Headers']).toMatch(/Warning/);
    expect(Object.keys(h)).not.toContain('Access-Control-Allow-Credentials');
    expect(dicomwebCorsHeaders('https://ohif.example.org', allowed, false)).not.toHaveProperty('Access-Control-Allow-Methods');
    expect(dicomwebCorsHeaders('https://evil.example.org', allowed, true)).toEqual({});
    expect(dicomwebCorsHeaders('https://ohif.example.org.evil.example', allowed, true)).toEqual({});
    expect(dicomwebCorsHeaders(null, allowed, false)).toEqual({});
    expect(dicomwebCorsHeaders('https://ohif.example.org', [], true)).toEqual({});
  });

  it('reads SEGFLOW_DICOMWEB_ORIGINS as a list of origins and names a bad entry', () => {
    expect(parseConfig({}).dicomweb.corsOrigins).toEqual([]);
    expect(parseConfig({ SEGFLOW_DICOMWEB_ORIGINS: 'https://ohif.example.org, http://localhost:3001' }).dicomweb.corsOrigins).toEqual([
      'https://ohif.example.org',
      'http://localhost:3001',
    ]);
    expect(() => parseConfig({ SEGFLOW_DICOMWEB_ORIGINS: 'https://ohif.example.org/viewer' })).toThrow(
      /SEGFLOW_DICOMWEB_ORIGINS: each entry must be an origin/,
    );
    expect(() => parseConfig({ SEGFLOW_DICOMWEB_ORIGINS: '*' })).toThrow(/SEGFLOW_DICOMWEB_ORIGINS/);
  });
});
