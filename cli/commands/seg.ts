/**
 * `segflow seg <labelmap.nii.gz> --ref <series dir> --labels <json> --out <seg.dcm>`: a labelmap on
 * the reference series' grid to a DICOM SEG. The labels file is a JSON array of
 * { value, name, color: [r, g, b] } (optional category/type codes).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { writeSeg } from '@/lib/imaging/seg/write-seg';
import { writeFileAtomic } from '@/lib/util/write-file-atomic';
import { readSeriesDir } from './convert';

const ZCode = z.object({ value: z.string(), scheme: z.string(), meaning: z.string() });
const ZLabels = z
  .array(
    z.object({
      value: z.number().int().positive(),
      name: z.string().min(1),
      color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
      category: ZCode.optional(),
      type: ZCode.optional(),
    }),
  )
  .min(1);

export function register(program: Command): void {
  program
    .command('seg')
    .description('write a labelmap (NIfTI, on the reference series grid) as a DICOM Segmentation')
    .argument('<labelmap>', 'labelmap .nii or .nii.gz')
    .requiredOption('--ref <dir>', 'the (de-identified) source series directory')
    .requiredOption('--labels <json>', 'JSON file: [{ "value": 1, "name": "...", "color": [r, g, b] }]')
    .requiredOption('--out <file>', 'output SEG .dcm')
    .action(async (labelmapPath: string, opts: { ref: string; labels: string; out: string }) => {
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
