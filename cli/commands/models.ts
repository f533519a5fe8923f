/**
 * `segflow models register --onnx <file> --spec <spec.json> [--project <slug>] [--reference-input <nii or series dir>
 * --reference-mask <nii>]...`: registers a model version on the server, with the database and store
 * settings (DATABASE_URL, S3_*; or the running embedded platform), as `segflow seed` does. The ONNX
 * graph is checked against the spec, the model runs on a tiny input, and each reference pair is run
 * through the whole bundle: a version that does not reproduce its reference masks is refused, naming
 * the per-label Dice. The same bytes again return the existing version. Prints the version and its
 * evidence as JSON. `--project` names the owning project (a model registered without one serves every
 * project and nobody may change its slot until it is named). `segflow models grant|revoke --model <m>
 * --project <slug>` (through the API, as an operator of the owning project) let another project run it.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@/lib/errors';
import type { ParityReference } from '@/lib/models/check-parity';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

async function readText(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('invalid_input', `${option} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      field: option,
    });
  }
}

async function readReferences(inputs: string[], masks: string[]): Promise<ParityReference[]> {
  if (inputs.length !== masks.length) {
    throw new AppError('invalid_input', `--reference-input and --reference-mask come in pairs: ${inputs.length} inputs, ${masks.length} masks`, {
      field: '--reference-mask',
    });
  }
  const refs: ParityReference[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const { readInputVolume } = await import('@/workers/inference/read-input');
    const input = await readInputVolume(inputs[i]);
    const mask = await readInputVolume(masks[i]);
    if (mask.kind !== 'nifti') throw new AppError('invalid_input', `--reference-mask ${masks[i]}: expected a NIfTI labelmap`, { field: '--reference-mask' });
    refs.push({ name: `${basename(inputs[i])} → ${basename(masks[i])}`, input: input.volume, mask: mask.volume });
  }
  return refs;
}

export function register(program: Command): void {
  const models = program.command('models').description('model versions (server-side: database and store settings)');
  models
    .command('register')
    .description('register a model version: ONNX graph vs spec, a tiny test run, and parity against reference masks')
    .requiredOption('--onnx <file>', 'the model (ONNX)')
    .requiredOption('--spec <file>', "the version's spec (JSON: lib/models/model-spec.ts; name and version inside)")
    .option('--reference-input <path>', 'a reference input: NIfTI volume or DICOM series folder (repeatable, paired with --reference-mask)', collect, [])
    .option('--reference-mask <file>', 'the mask the model must reproduce for that input (NIfTI labelmap)', collect, [])
    .option('--project <slug>', "the model's owning project: its operators and admins manage the slot and grant the model to other projects")
    .action(async (opts: { onnx: string; spec: string; referenceInput: string[]; referenceMask: string[]; project?: string }) => {
      try {
        let model: Uint8Array;
        try {
          model = new Uint8Array(await readFile(opts.onnx));
        } catch (err) {
          throw new AppError('invalid_input', `--onnx ${opts.onnx}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
            field: '--onnx',
          });
        }
        const specText = await readText(opts.spec, '--spec');
        let spec: unknown;
        try {
          spec = JSON.parse(specText);
        } catch (err) {
          throw new AppError('invalid_input', `--spec ${opts.spec}: not valid JSON (${(err as Error).message})`, { field: '--spec' });
        }
        const references = await readReferences(opts.referenceInput, opts.referenceMask);
        const { registerModelVersion } = await import('@/lib/models/register-model-version');
        const { getDb } = await import('@/lib/db');
        let ownerProjectId: string | null = null;
        if (opts.project) {
          const { findGrantee } = await import('@/lib/models/model-grants');
          ownerProjectId = (
            await findGrantee(getDb(), opts.project).catch(() => {
              throw new AppError('invalid_input', `--project ${opts.project}: no such project`, { field: '--project' });
            })
          ).id;
        }
        const { version, created } = await registerModelVersion(getDb(), { model, spec, references, ownerProjectId });
        process.stderr.write(`${created ? 'registered' : 'already registered (same bytes)'}: ${(spec as { name: string }).name}@${version.version}\n`);
        console.log(
          JSON.stringify({ id: version.id, version: version.version, sha256: version.sha256, status: version.status, created, evidence: version.evidence }),
        );
      } finally {
        await (await import('@/lib/db')).closeDb();
      }
    });
  for (const op of ['grant', 'revoke'] as const) {
    models
      .command(op)
      .description(
        op === 'grant'
          ? "let another project run a model (the owning project's operators and admins; through the API)"
          : "take a project's grant back: its new runs of the model are refused (through the API)",
      )
      .requiredOption('--model <name>', 'the model (e.g. brain-tissue)')
      .requiredOption('--project <slug>', 'the project granted (or no longer granted) the model')
      .action(async (opts: { model: string; project: string }) => {
        const { callApi } = await import('../lazy-call-api');
        const out = await callApi<Record<string, unknown>>(
          op === 'grant' ? 'POST' : 'DELETE',
          `/api/models/${encodeURIComponent(opts.model)}/grants`,
          { project: opts.project },
          'operator',
        );
        process.stderr.write(`${opts.model}: ${op === 'grant' ? 'granted to' : 'revoked for'} project ${opts.project}\n`);
        process.stdout.write(`${JSON.stringify(out)}\n`);
      });
  }
}
