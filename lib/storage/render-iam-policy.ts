import type { AccessRule, S3Action } from './access-rules';

const S3_ACTIONS: Record<S3Action, string[]> = {
  get: ['s3:GetObject', 's3:GetObjectVersion'],
  put: ['s3:PutObject'],
  list: ['s3:ListBucket'],
  'abort-multipart': ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  delete: ['s3:DeleteObject'],
};

/**
 * IAM policy JSON for one principal. `{project}` becomes the principal's `project` tag, so one
 * policy serves every project; writes require SSE-KMS when the bucket is encrypted with a key.
 */
export function renderIamPolicy(p: { bucket: string; rules: AccessRule[] }): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [];
  for (const rule of p.rules) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, written literally into the policy
    const prefix = rule.prefix.replace('{project}', '${aws:PrincipalTag/project}');
    const objectActions = rule.actions.filter((a) => a !== 'list').flatMap((a) => S3_ACTIONS[a]);
    if (objectActions.length) {
      statements.push({ Sid: rule.why, Effect: 'Allow', Action: objectActions, Resource: `arn:aws:s3:::${p.bucket}/${prefix}*` });
    }
    if (rule.actions.includes('list')) {
      statements.push({
        Sid: `${rule.why}List`,
        Effect: 'Allow',
        Action: S3_ACTIONS.list,
        Resource: `arn:aws:s3:::${p.bucket}`,
        Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      });
    }
  }
  statements.push({
    Sid: 'DenyUnencryptedWrites',
    Effect: 'Deny',
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${p.bucket}/*`,
    Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
  });
  return { Version: '2012-10-17', Statement: statements };
}
