/**
 * What both Argo validators (its JSON schema, its OpenAPI spec) need: Argo's object schemas allow any
 * extra field, while Kubernetes' strict field validation and Argo Server's JSON decoding do not, so
 * every object schema that lists its properties is closed (a misspelt field fails); and the
 * Kubernetes vendor keywords ajv must accept.
 */
export function closeObjects(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) closeObjects(n);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (o.properties && typeof o.properties === 'object' && o.additionalProperties === undefined) o.additionalProperties = false;
  for (const v of Object.values(o)) closeObjects(v);
}

export const K8S_VOCABULARY = [
  'x-kubernetes-group-version-kind',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
];
