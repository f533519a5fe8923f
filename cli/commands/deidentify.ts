/**
 * `segflow deidentify <files or dirs...> --out <dir>`: the de-identify pipeline step as an offline
 * tool. Each output is written to a temp file and renamed, so a crash never leaves half a file. The
 * last stdout line is a JSON summary; the exit code is 1 when any input failed.
 * Files are read and written synchronously, one after another: the process does nothing else
 * meanwhile, and asynchronous calls would each cost a trip through libuv's thread pool (about half
 * the wall time on 300 CT instances of a busy machine); each input is read into one reused buffer
 * and each output written with one writev of its pieces, never joined (no copy of the pixel data).
 * No fsync per file (see writeFileAtomicSync).
 * Nothing is ever overwritten: outputs are named by the new SOP Instance UID (or, for a fragment
 * without one, by the SHA-256 of the output; never by the input's name, which may identify a
 * patient), and a name that is already taken keeps its file. A second input whose output is
 * byte-identical is listed as a duplicate of the first; one that differs (two different instances
 * with one SOP Instance UID) fails, naming both files. So `written` lists exactly the files in --out.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isAppError } from '@/lib/errors';
import type { DeidentifyOptions } from '@/lib/imaging/dicom/deidentify-instance';

const OPTION_NAMES = ['retainLongitudinalModifiedDates', 'retainPatientCharacteristics', 'retainDeviceIdentity', 'cleanDescriptors', 'allowBurnedIn'] as const;
type OptionName = (typeof OPTION_NAMES)[number];

interface Summary {
  written: { input: string; output: string }[];
  /** inputs whose output is byte-identical to one already written (the same instance twice) */
  duplicates: { input: string; output: string; sameAs: string }[];
  quarantined: { input: string; reason: string }[];
  failed: { input: string; reason: string }[];
}

async function listInputs(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ENOENT' ? `${p}: no such file or directory` : `${p}: cannot be read (${err.code ?? err.message})`);
    });
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
  const { writeFileNewSync } = await import('@/lib/util/write-file-atomic');
  const { ReusedReadBuffer } = await import('@/lib/util/read-file-reusing');
  const summary: Summary = { written: [], duplicates: [], quarantined: [], failed: [] };
  // output path → the input written there in this run
  const writtenFrom = new Map<string, string>();
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
      const output = resolve(outDir, outputName(result.sopInstanceUid, result.parts));
      if (writeFileNewSync(output, result.parts) === 'written') {
        writtenFrom.set(output, input);
        summary.written.push({ input, output });
        continue;
      }
      const first = writtenFrom.get(output);
      if (!Buffer.concat(result.parts).equals(readFileSync(output))) {
        const from = first ?? 'an earlier run';
        const reason = `${input}: a different instance with the same SOP Instance UID as ${from} (written to ${basename(output)}); that file is kept, this one is not written`;
        summary.failed.push({ input, reason });
      } else if (first) summary.duplicates.push({ input, output, sameAs: first });
      else {
        // already there from an earlier run, byte for byte
        writtenFrom.set(output, input);
        summary.written.push({ input, output });
      }
    } catch (err) {
      // one bad input (unreadable, malformed, a bug) never stops the batch or the JSON summary
      const reason = isAppError(err) || !(err instanceof Error) ? String((err as Error).message ?? err) : `${basename(input)}: ${err.message}`;
      summary.failed.push({ input, reason });
    }
  }
  return summary;
}

/** Named by the new SOP Instance UID; a fragment without one by its content: input names may carry PHI. */
function outputName(sopInstanceUid: string, parts: readonly Uint8Array[]): string {
  if (sopInstanceUid) return `${sopInstanceUid}.dcm`;
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return `no-uid-${hash.digest('hex').slice(0, 32)}.dcm`;
}

export function register(program: Command): void {
  program
    .command('deidentify')
    .description('De-identify DICOM files (PS3.15 Basic Application Level Confidentiality Profile)')
    .argument('<paths...>', 'DICOM files or directories (searched recursively)')
    .requiredOption('--out <dir>', 'directory for the de-identified files')
    .option('--secret <secret>', 'project secret for UID replacement and pseudonyms; required unless SEGFLOW_DEID_SECRET is set')
    .option('--options <list>', `comma-separated: ${OPTION_NAMES.join(', ')}`)
    .action(async (paths: string[], opts: { out: string; secret?: string; options?: string }) => {
      // the configuration (and zod, which validates it) is loaded only when --secret is not given
      opts.secret ??= (await import('@/lib/config')).config().steps.deidSecret;
      if (!opts.secret) throw new Error('--secret (or SEGFLOW_DEID_SECRET) is required: it keeps UIDs and pseudonyms stable');
      // the pseudonyms are the project's Subjects (subjectPseudonym) when --secret is the project's
      const summary = await deidentifyFiles(await listInputs(paths), opts.out, { secret: opts.secret, ...parseOptions(opts.options) });
      for (const d of summary.duplicates) process.stderr.write(`duplicate: ${d.input} is the same instance as ${d.sameAs} (written once)\n`);
      for (const q of summary.quarantined) process.stderr.write(`quarantined: ${q.reason}\n`);
      for (const f of summary.failed) process.stderr.write(`failed: ${f.reason}\n`);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      if (summary.failed.length > 0) process.exitCode = 1;
    });
}
