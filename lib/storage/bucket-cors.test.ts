import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEADER_BOUND } from '../uploads/presign-file-part';
import { CORS_ALLOWED_HEADERS, corsJson, DEPLOY_ORIGIN } from './bucket-cors';

describe('bucket CORS rule', () => {
  it('allows every header an upload URL is signed with (a browser could not send it otherwise)', () => {
    expect([...HEADER_BOUND].sort()).toEqual([...CORS_ALLOWED_HEADERS].sort());
  });

  it('deploy/s3/bucket-cors.json is the rule rendered (regenerate: npx tsx scripts/generate-iam-policies.ts)', () => {
    expect(readFileSync(join(process.cwd(), 'deploy/s3/bucket-cors.json'), 'utf8')).toBe(corsJson([DEPLOY_ORIGIN]));
  });
});
