/** Kubernetes' limit on a resource name, and the room Argo keeps for the hash suffix (workflow/util/pod_name.go) */
const MAX_PREFIX = 253 - 10 - 1;

/** FNV-1a, 32 bits, over the UTF-8 bytes: Argo's hash of a node name */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The pod a workflow node ran in, named as Argo names it (pod name format v2, the default since
 * v3.4): `<workflow>-<template>-<fnv1a32(node name)>`, the prefix cut to fit Kubernetes' 253 characters.
 */
export function argoPodName(workflowName: string, node: { name: string; templateName?: string | null }): string {
  if (node.name === workflowName) return workflowName;
  const prefix = (node.templateName ? `${workflowName}-${node.templateName}` : workflowName).slice(0, MAX_PREFIX - 1);
  return `${prefix}-${fnv1a32(node.name)}`;
}
