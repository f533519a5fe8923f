/**
 * `segflow convert <series dir> --out <file.nii.gz>`: one DICOM series to NIfTI, the pipeline's
 * convert step as an offline tool. Written to a temp file and renamed, so a failure never leaves a
 * partial output; errors reach stderr as one line (cli/index.ts) with exit code 1.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@/lib/errors';

export async function readSeriesDir(dir: string): Promise<{ name: string; bytes: Uint8Array }[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => {
    throw new AppError('invalid_input', `series ${dir}: not a readable directory`);
  });
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const e of entries.filter((x) => x.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
    const bytes = new Uint8Array(await readFile(join(e.parentPath, e.name)));
    const hasPreamble = bytes.length > 132 && String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) === 'DICM';
    // Folders often carry READMEs, licences or ground truths next to the slices: only DICOM is taken.
    if (hasPreamble || e.name.toLowerCase().endsWith('.dcm')) files.push({ name: e.name, bytes });
  }
  if (files.length === 0) throw new AppError('invalid_input', `series ${dir}: no DICOM files found`);
  return files;
}

export function register(program: Command): void {
  program
    .command('convert')
    .description('convert one DICOM series (a directory) to a NIfTI volume')
    .argument('<series-dir>', 'directory holding the instances of one series')
    .requiredOption('--out <file>', 'output .nii or .nii.gz')
    .action(async (dir: string, opts: { out: string }) => {
      const { seriesToVolume } = await import('@/lib/imaging/dicom/series-to-volume');
      const { writeNifti } = await import('@/lib/imaging/nifti/write-nifti');
      const { writeFileAtomic } = await import('@/lib/util/write-file-atomic');
      const files = await readSeriesDir(dir);
      const volume = await seriesToVolume(files, basename(resolve(dir)));
      const bytes = writeNifti(volume, { gzip: opts.out.endsWith('.gz'), description: 'segflow convert' });
      await writeFileAtomic(opts.out, bytes);
      process.stdout.write(`${JSON.stringify({ out: opts.out, dims: volume.dims, spacing: volume.spacing })}\n`);
    });
}
