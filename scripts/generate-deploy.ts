/**
 * Writes what deploy/ renders from code (lib/deploy/render-deploy-files.ts): the Argo WorkflowTemplate
 * (deploy/argo/) and the Kubernetes manifests with their kustomization (deploy/k8s/, deploy/kustomization.yaml),
 * from lib/pipeline/definition.ts and deploy/cluster.json (edit that file for your cluster first).
 * `npx tsx scripts/generate-deploy.ts`; a test fails when these files are stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readClusterConfig } from '../lib/deploy/cluster-config';
import { renderDeployFiles } from '../lib/deploy/render-deploy-files';

const files = renderDeployFiles(readClusterConfig());
for (const [path, text] of Object.entries(files)) {
  const full = join(process.cwd(), 'deploy', path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}
console.log(
  `wrote ${Object.keys(files)
    .map((p) => `deploy/${p}`)
    .join(', ')}`,
);
