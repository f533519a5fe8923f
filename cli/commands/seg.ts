/**
 * `segflow seg <labelmap.nii.gz> --ref <series dir> --labels <json> --out <seg.dcm>`: a labelmap on
 * the reference series' grid to a DICOM SEG. The labels file is a JSON array of
 * { value, name, color: [r, g, b] } (optional category/type codes).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError } from '@/lib/errors';
import { readSeriesDir } from './convert';

export function register(program: Command): void {
  program
    .command('seg')
    .description('write a labelmap (NIfTI, on the reference series grid) as a DICOM Segmentation')
    .argument('<labelmap>', 'labelmap .nii or .nii.gz')
    .requiredOption('--ref <dir>', 'the (de-identified) source series directory')
    .requiredOption('--labels <json>', 'JSON file: [{ "value": 1, "name": "...", "color": [r, g, b] }]')
    .requiredOption('--out <file>', 'output SEG .dcm')
    .action(async (labelmapPath: string, opts: { ref: string; labels: string; out: string }) => {
      const { readNifti } = await import('@/lib/imaging/nifti/read-nifti');
      const { writeSeg } = await import('@/lib/imaging/seg/write-seg');
      const { writeFileAtomic } = await import('@/lib/util/write-file-atomic');
      const { ZLabels } = await import('./seg-labels');
      const labelmap = readNifti(new Uint8Array(await readFile(labelmapPath)), labelmapPath);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(opts.labels, 'utf8'));
      } catch (err) {
        throw new AppError('invalid_input', `${opts.labels}: not readable JSON (${err instanceof Error ? err.message : String(err)})`);
      }
      const parsed = ZLabels.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('invalid_input', `${opts.labels}: ${issue.path.join('.')}: ${issue.message}`);
      }
      const source = await readSeriesDir(opts.ref);
      const bytes = writeSeg({ labelmap, source, labels: parsed.data });
      await writeFileAtomic(opts.out, bytes);
      process.stdout.write(`${JSON.stringify({ out: opts.out, bytes: bytes.length })}\n`);
    });
}
