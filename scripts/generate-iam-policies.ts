/**
 * Writes deploy/iam/role-<role>.json and deploy/iam/step-<step>.json from lib/storage/access-rules.ts,
 * and deploy/s3/bucket-cors.json from lib/storage/bucket-cors.ts.
 * `npx tsx scripts/generate-iam-policies.ts [bucket]`; a test fails when the files are stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corsJson, DEPLOY_ORIGIN } from '../lib/storage/bucket-cors';
import { iamPolicyFiles } from '../lib/storage/iam-policy-files';

const bucket = process.argv[2] ?? 'segflow';
const dir = join(process.cwd(), 'deploy', 'iam');
mkdirSync(dir, { recursive: true });
for (const [name, body] of Object.entries(iamPolicyFiles(bucket))) writeFileSync(join(dir, name), body);
console.log(`wrote ${Object.keys(iamPolicyFiles(bucket)).length} policies to ${dir}`);
writeFileSync(join(process.cwd(), 'deploy', 's3', 'bucket-cors.json'), corsJson([DEPLOY_ORIGIN]));
console.log('wrote deploy/s3/bucket-cors.json (replace the origin with the app URL)');
