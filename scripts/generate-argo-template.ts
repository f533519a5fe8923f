/**
 * Writes deploy/argo/workflow-template.json: the Argo WorkflowTemplate `segflow-pipeline` rendered from
 * lib/pipeline/definition.ts (lib/executor/argo/render-workflow-template.ts) with placeholder values:
 * namespace `segflow`, image `ghcr.io/segflow/worker@sha256:<64 zeros>`. Replace the image with the
 * digest of the built worker image when deploying (or render with your own values from code).
 * `npx tsx scripts/generate-argo-template.ts`; a test fails when the file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowTemplateJson } from '../lib/executor/argo/render-workflow-template';

const dir = join(process.cwd(), 'deploy', 'argo');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'workflow-template.json'), workflowTemplateJson());
console.log(`wrote ${join('deploy', 'argo', 'workflow-template.json')}`);
