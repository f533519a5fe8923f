import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../auth/permissions';
import { ROLE_RULES, STEP_RULES, type S3Action } from './access-rules';
import { assertKeyAccess, canAccessKey } from './assert-key-access';
import { iamPolicyFiles } from './iam-policy-files';
import { derivedKey, manifestKey, modelKey, rawPhiKey } from './keys';

const P = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const ACTIONS: S3Action[] = ['get', 'put', 'list', 'abort-multipart', 'delete'];
const raw = rawPhiKey({ projectId: P, studyId: 's1', uploadId: 'u1', index: 0 });

describe('bucket access rules', () => {
  it('deploy/iam/ holds exactly the policies generated from the rules (run scripts/generate-iam-policies.ts)', () => {
    const dir = join(process.cwd(), 'deploy', 'iam');
    const expected = iamPolicyFiles('segflow');
    expect(readdirSync(dir).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, body] of Object.entries(expected)) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(body);
  });

  it('never lets a reviewer reach raw-phi/, whatever the action', () => {
    for (const action of ACTIONS) expect(canAccessKey({ role: 'reviewer', projectId: P, action, key: raw })).toBe(false);
    expect(JSON.stringify(ROLE_RULES.reviewer)).not.toContain('raw-phi');
    expect(() => assertKeyAccess({ role: 'reviewer', projectId: P, action: 'put', key: raw })).toThrow(/may not put objects under raw-phi/);
  });

  it('lets only the ingest and de-identify steps read raw-phi/, and no step delete anything', () => {
    const readers = Object.entries(STEP_RULES)
      .filter(([, rules]) => rules.some((r) => r.prefix.startsWith('raw-phi/')))
      .map(([step]) => step);
    expect(readers.sort()).toEqual(['deidentify', 'ingest']);
    for (const rules of Object.values(STEP_RULES)) for (const r of rules) expect(r.actions).not.toContain('delete');
  });

  it('scopes project prefixes to the caller’s project', () => {
    expect(canAccessKey({ role: 'researcher', projectId: P, action: 'put', key: raw })).toBe(true);
    expect(canAccessKey({ role: 'researcher', projectId: OTHER, action: 'put', key: raw })).toBe(false);
    expect(canAccessKey({ role: 'researcher', projectId: null, action: 'put', key: raw })).toBe(false);
    expect(canAccessKey({ role: 'researcher', projectId: P, action: 'get', key: raw })).toBe(false);
    expect(canAccessKey({ role: 'reviewer', projectId: P, action: 'get', key: derivedKey({ projectId: P, studyId: 's1', path: ['mask.nii.gz'] }) })).toBe(true);
    expect(canAccessKey({ role: 'reviewer', projectId: P, action: 'get', key: `derived/${P}/../../raw-phi/${P}/x` })).toBe(false);
    expect(canAccessKey({ role: 'researcher', projectId: P, action: 'put', key: manifestKey({ projectId: P, runId: 'r1' }) })).toBe(false);
    for (const role of ROLES) {
      expect(canAccessKey({ role, projectId: null, action: 'get', key: modelKey({ model: 'brain-tissue', version: '1.0.0' }) })).toBe(role !== 'reviewer');
    }
  });

  it('renders IAM policies that tie {project} to the principal tag and deny unencrypted writes', () => {
    const researcher = JSON.parse(iamPolicyFiles()['role-researcher.json']) as { Statement: { Sid: string; Resource: string; Effect: string }[] };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the IAM policy variable, literally
    expect(researcher.Statement.find((s) => s.Sid === 'UploadStudies')?.Resource).toBe('arn:aws:s3:::segflow/raw-phi/${aws:PrincipalTag/project}/*');
    expect(researcher.Statement.at(-1)).toMatchObject({ Sid: 'DenyUnencryptedWrites', Effect: 'Deny' });
  });
});
