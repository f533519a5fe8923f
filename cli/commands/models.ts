/**
 * `segflow models register [--name <m>] [--version <v>] --onnx <file> --spec <spec.json> [--project <slug>]
 * [--reference-input <nii or series dir> --reference-mask <nii>]...`: registers a model version
 * through the API (POST /api/models/:model/versions), as Models → Register does: the files go
 * straight to the store with presigned URLs, then the server checks the ONNX graph against the spec,
 * runs the model on a tiny input and runs the whole bundle on each reference pair: a version that
 * does not reproduce its reference masks is refused, naming the per-label Dice. The same bytes again
 * return the existing version. Name and version default to the spec's. Prints the version and its
 * evidence as JSON; SEGFLOW_URL and SEGFLOW_TOKEN (an operator's), or the embedded demo operator.
 * `--project` names the owning project: its operators and admins manage the slot (a model registered
 * without one serves every project and nobody may change its slot until it is named). `segflow models
 * grant|revoke --model <m> --project <slug>` (through the API, as an operator of the owning project)
 * let another project run it.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@/lib/errors';
import type { RegistrationSource } from '@/lib/models/registration/client/register-via-api';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

async function readBytes(path: string, option: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new AppError('invalid_input', `${option} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      field: option,
    });
  }
}

/** A reference input as the API takes it (NIfTI): a DICOM series folder is read here and sent as one NIfTI volume. */
async function referenceInput(path: string): Promise<RegistrationSource> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return { name: basename(path), bytes: await readBytes(path, '--reference-input') };
  const { readInputVolume } = await import('@/workers/inference/read-input');
  const { writeNifti } = await import('@/lib/imaging/nifti/write-nifti');
  const input = await readInputVolume(path);
  return { name: `${basename(path)}.nii.gz`, bytes: writeNifti(input.volume) };
}

async function readReferences(inputs: string[], masks: string[]): Promise<{ input: RegistrationSource; mask: RegistrationSource }[]> {
  if (inputs.length !== masks.length) {
    throw new AppError('invalid_input', `--reference-input and --reference-mask come in pairs: ${inputs.length} inputs, ${masks.length} masks`, {
      field: '--reference-mask',
    });
  }
  const refs: { input: RegistrationSource; mask: RegistrationSource }[] = [];
  for (let i = 0; i < inputs.length; i++) {
    refs.push({ input: await referenceInput(inputs[i]), mask: { name: basename(masks[i]), bytes: await readBytes(masks[i], '--reference-mask') } });
  }
  return refs;
}

type Opts = { name?: string; version?: string; project?: string; onnx: string; spec: string; referenceInput: string[]; referenceMask: string[] };

async function registerCommand(opts: Opts): Promise<void> {
  const onnx = await readBytes(opts.onnx, '--onnx');
  const specBytes = await readBytes(opts.spec, '--spec');
  let spec: { name?: unknown; version?: unknown };
  try {
    spec = JSON.parse(Buffer.from(specBytes).toString('utf8'));
  } catch (err) {
    throw new AppError('invalid_input', `--spec ${opts.spec}: not valid JSON (${(err as Error).message})`, { field: '--spec' });
  }
  const name = opts.name ?? (typeof spec?.name === 'string' ? spec.name : undefined);
  const version = opts.version ?? (typeof spec?.version === 'string' ? spec.version : undefined);
  if (!name) throw new AppError('invalid_input', `--name: not given and ${basename(opts.spec)} names no model`, { field: '--name' });
  if (!version) throw new AppError('invalid_input', `--version: not given and ${basename(opts.spec)} names no version`, { field: '--version' });
  const references = await readReferences(opts.referenceInput, opts.referenceMask);
  const { apiConnection } = await import('@/lib/platform/api-client');
  const { registerViaApi } = await import('@/lib/models/registration/client/register-via-api');
  const { baseUrl, token } = apiConnection('operator');
  const out = await registerViaApi({
    baseUrl,
    token,
    model: name,
    version,
    project: opts.project,
    onnx: { name: basename(opts.onnx), bytes: onnx },
    spec: { name: basename(opts.spec), bytes: specBytes },
    references,
    onProgress: (step, detail) => process.stderr.write(`${step}${detail ? ` ${detail}` : ''}…\n`),
  });
  if (out.status === 'refused') throw new AppError('invalid_input', out.reasons.map((r) => r.message).join(' · '), { parity: out.parity });
  const v = out.version;
  process.stderr.write(`${out.created ? 'registered' : 'already registered (same bytes)'}: ${v.model}@${v.version}\n`);
  console.log(JSON.stringify({ id: v.id, version: v.version, sha256: v.sha256, status: v.status, created: out.created, evidence: v.evidence }));
}

export function register(program: Command): void {
  const models = program.command('models').description('model versions (through the API: SEGFLOW_URL, SEGFLOW_TOKEN)');
  models
    .command('register')
    .description('register a model version: ONNX graph vs spec, a tiny test run, and parity against reference masks')
    .option('--name <model>', "the model's name (default: the spec's)")
    .option('--version <version>', "the version (default: the spec's)")
    .option(
      '--project <slug>',
      "the model's owning project (model:register is checked there): its operators and admins manage the slot and grant the model to other projects",
    )
    .requiredOption('--onnx <file>', 'the model (ONNX)')
    .requiredOption('--spec <file>', "the version's spec (JSON: lib/models/model-spec.ts)")
    .option('--reference-input <path>', 'a reference input: NIfTI volume or DICOM series folder (repeatable, paired with --reference-mask)', collect, [])
    .option('--reference-mask <file>', 'the mask the model must reproduce for that input (NIfTI labelmap)', collect, [])
    .action(registerCommand);
  models
    .command('check-staged', { hidden: true })
    .description("the server's: a staged registration's checks, run in this process so the server's own stays free; prints JSON")
    .requiredOption('--registration <id>', 'the registration')
    .requiredOption('--model <name>', 'its model')
    .requiredOption('--version <version>', 'its version')
    .requiredOption('--user <id>', 'the user completing it (the one who staged it)')
    .action(async (o: { registration: string; model: string; version: string; user: string }) => {
      const { closeDb, getDb } = await import('@/lib/db');
      const { prepareCompletion } = await import('@/lib/models/registration/complete-registration');
      const { isAppError } = await import('@/lib/errors');
      try {
        const prepared = await prepareCompletion(getDb(), { registrationId: o.registration, model: o.model, version: o.version, userId: o.user });
        process.stdout.write(`${JSON.stringify({ prepared })}\n`);
      } catch (err) {
        if (!isAppError(err)) throw err;
        process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message, details: err.details } })}\n`);
        process.exitCode = 1;
      } finally {
        await closeDb();
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
