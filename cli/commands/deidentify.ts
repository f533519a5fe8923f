/**
 * `segflow deidentify <files or dirs...> --out <dir>`: the de-identify pipeline step as an offline
 * tool. Each output is written to a temp file and renamed, so a crash never leaves half a file. The
 * last stdout line is a JSON summary; the exit code is 1 when any input failed.
 * Files are read and written synchronously, one after another: the process does nothing else
 * meanwhile, and asynchronous calls would each cost a trip through libuv's thread pool (about half
 * the wall time on 300 CT instances of a busy machine); each input is read into one reused buffer
 * and each output written with one writev of its pieces, never joined (no copy of the pixel data).
 * No fsync per file (see writeFileAtomicSync).
 */
import { mkdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isAppError } from '@/lib/errors';
import type { DeidentifyOptions } from '@/lib/imaging/dicom/deidentify-instance';

const OPTION_NAMES = ['retainLongitudinalModifiedDates', 'retainPatientCharacteristics', 'retainDeviceIdentity', 'cleanDescriptors', 'allowBurnedIn'] as const;
type OptionName = (typeof OPTION_NAMES)[number];

interface Summary {
  written: { input: string; output: string }[];
  quarantined: { input: string; reason: string }[];
  failed: { input: string; reason: string }[];
}

async function listInputs(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) {
      const entries = await readdir(p, { withFileTypes: true, recursive: true });
      for (const e of entries) if (e.isFile()) files.push(join(e.parentPath, e.name));
    } else files.push(p);
  }
  return files.sort();
}

function parseOptions(list: string | undefined): Partial<Record<OptionName, boolean>> {
  const out: Partial<Record<OptionName, boolean>> = {};
  for (const raw of (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(OPTION_NAMES as readonly string[]).includes(raw)) {
      throw new Error(`unknown option "${raw}" (known: ${OPTION_NAMES.join(', ')})`);
    }
    out[raw as OptionName] = true;
  }
  return out;
}

async function deidentifyFiles(inputs: string[], outDir: string, options: DeidentifyOptions): Promise<Summary> {
  const { deidentifyInstanceParts } = await import('@/lib/imaging/dicom/deidentify-instance');
  const { writeFileAtomicSync } = await import('@/lib/util/write-file-atomic');
  const { ReusedReadBuffer } = await import('@/lib/util/read-file-reusing');
  const summary: Summary = { written: [], quarantined: [], failed: [] };
  mkdirSync(outDir, { recursive: true });
  const reader = new ReusedReadBuffer();
  for (const input of inputs) {
    try {
      // the output's unchanged pieces are views into the read buffer: written before the next read
      const result = deidentifyInstanceParts(reader.read(input), basename(input), options);
      if (result.status === 'quarantined') {
        summary.quarantined.push({ input, reason: result.reason });
        continue;
      }
      // named by the new SOPInstanceUID: input names may themselves carry PHI
      const output = resolve(outDir, `${result.sopInstanceUid || basename(input)}.dcm`);
      writeFileAtomicSync(output, result.parts);
      summary.written.push({ input, output });
    } catch (err) {
      // one bad input (unreadable, malformed, a bug) never stops the batch or the JSON summary
      const reason = isAppError(err) || !(err instanceof Error) ? String((err as Error).message ?? err) : `${basename(input)}: ${err.message}`;
      summary.failed.push({ input, reason });
    }
  }
  return summary;
}

export function register(program: Command): void {
  program
    .command('deidentify')
    .description('De-identify DICOM files (PS3.15 Basic Application Level Confidentiality Profile)')
    .argument('<paths...>', 'DICOM files or directories (searched recursively)')
    .requiredOption('--out <dir>', 'directory for the de-identified files')
    .option('--secret <secret>', 'project secret for UID replacement and pseudonyms (default: SEGFLOW_DEID_SECRET)')
    .option('--options <list>', `comma-separated: ${OPTION_NAMES.join(', ')}`)
    .action(async (paths: string[], opts: { out: string; secret?: string; options?: string }) => {
      // the configuration (and zod, which validates it) is loaded only when --secret is not given
      opts.secret ??= (await import('@/lib/config')).config().steps.deidSecret;
      const { defaultPseudonym } = await import('@/lib/imaging/dicom/deidentify-instance');
      if (!opts.secret) throw new Error('--secret (or SEGFLOW_DEID_SECRET) is required: it keeps UIDs and pseudonyms stable');
      const secret = opts.secret;
      const flags = parseOptions(opts.options);
      const summary = await deidentifyFiles(await listInputs(paths), opts.out, {
        secret,
        pseudonymFor: (id) => defaultPseudonym(secret, id),
        ...flags,
      });
      for (const q of summary.quarantined) process.stderr.write(`quarantined: ${q.reason}\n`);
      for (const f of summary.failed) process.stderr.write(`failed: ${f.reason}\n`);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      if (summary.failed.length > 0) process.exitCode = 1;
    });
}
