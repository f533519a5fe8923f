import { z } from 'zod';

/**
 * The run manifest (schema `segflow.run-manifest/1`): the provenance record of one finished run,
 * written once to `manifests/<project>/<run>.json` inside a signed envelope (sign-manifest.ts).
 *
 * Every object is strict: a field the schema does not know is an error, not silently dropped, so
 * nothing can ride along in a manifest file that the signature's reader would not see validated.
 */

export const ZSha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256 (64 characters)');

export const ZTimestamp = z.iso.datetime({ error: 'expected an ISO 8601 UTC timestamp' });

// Keys are built by lib/storage/keys.ts; the manifest only records them. No `..` segments, no
// leading slash: a key in a manifest must name the same object for every reader.
const KEY = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)+[A-Za-z0-9][A-Za-z0-9._-]*$/;
function objectKey(prefixes: readonly string[]) {
  return z
    .string()
    .regex(KEY, 'expected an object key like "derived/<project>/<study>/..."')
    .refine((k) => !k.split('/').includes('..'), 'an object key may not contain ".."')
    .refine((k) => prefixes.some((p) => k.startsWith(p)), `expected a key under ${prefixes.join(' or ')}`);
}

/** One stored object: its key, S3 version id (null where the store keeps no versions), hash, size. */
function objectRef(prefixes: readonly string[]) {
  return z.strictObject({
    key: objectKey(prefixes),
    versionId: z.string().min(1).nullable(),
    sha256: ZSha256Hex,
    size: z.number().int().nonnegative(),
  });
}

export const ZManifestInput = objectRef(['raw-phi/', 'derived/']);
export type TManifestInput = z.infer<typeof ZManifestInput>;

export const ZManifestOutput = objectRef(['derived/']);
export type TManifestOutput = z.infer<typeof ZManifestOutput>;

export const ZManifestModel = z.strictObject({
  role: z.enum(['live', 'canary', 'shadow']),
  /** model name (models.name) */
  model: z.string().min(1),
  version: z.string().min(1),
  /** sha256 of model.onnx */
  sha256: ZSha256Hex,
});
export type TManifestModel = z.infer<typeof ZManifestModel>;

export const ZManifestStep = z.strictObject({
  name: z.string().min(1),
  // A finished run has no pending or running steps; `skipped` covers steps that never ran (compare
  // without a shadow, steps after a failure), which is also why their timestamps may be null.
  status: z.enum(['succeeded', 'failed', 'skipped']),
  attempts: z.number().int().nonnegative(),
  startedAt: ZTimestamp.nullable(),
  finishedAt: ZTimestamp.nullable(),
  outputs: z.array(ZManifestOutput),
  error: z.string().optional(),
  /** the model's input-domain and output-plausibility checks (infer tasks): what was checked, expected, found */
  checks: z
    .array(
      z.strictObject({ check: z.string().min(1), outcome: z.enum(['passed', 'failed', 'warning', 'not-checked']), expected: z.string(), found: z.string() }),
    )
    .optional(),
});
export type TManifestStep = z.infer<typeof ZManifestStep>;

export const RUN_MANIFEST_SCHEMA = 'segflow.run-manifest/1';

export const ZRunManifest = z.strictObject({
  schema: z.literal(RUN_MANIFEST_SCHEMA),
  run: z.strictObject({
    id: z.uuid(),
    /** the idempotency run key: sha256 of input content, pipeline version, model version, params */
    key: ZSha256Hex,
    project: z.uuid(),
    study: z.uuid(),
    submittedBy: z.strictObject({ id: z.uuid(), email: z.email() }),
    submittedAt: ZTimestamp,
    finishedAt: ZTimestamp,
    status: z.enum(['succeeded', 'failed']),
  }),
  pipeline: z.strictObject({
    version: z.string().min(1),
    executor: z.enum(['local', 'argo']),
    /** the local build id, or for argo a summary of the image set */
    build: z.string().min(1),
    /** container image per step: a digest reference (`...@sha256:<hex>`), never a movable tag */
    images: z.record(z.string().min(1), z.string().regex(/(?:^|@)sha256:[0-9a-f]{64}$/, 'expected an image digest (…@sha256:<64 hex>)')).optional(),
  }),
  inputs: z.array(ZManifestInput),
  models: z.array(ZManifestModel),
  // z.json(): only values that survive JSON and canonicalisation (no NaN, Infinity, undefined,
  // bigint, Date), so the signer and every later verifier hash the same bytes.
  params: z.record(z.string(), z.json()),
  steps: z.array(ZManifestStep),
  /** implausible outputs of the serving model (an empty label, a volume outside its range): the run succeeded with these warnings */
  warnings: z.array(z.string().min(1)).optional(),
});
export type TRunManifest = z.infer<typeof ZRunManifest>;
