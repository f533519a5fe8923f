import type { Command } from 'commander';

/**
 * `segflow references attach --study <id> --series <id> --file <f> [--project <slug>]`: attaches a
 * reference segmentation (ground truth: a DICOM SEG referencing the series, or a NIfTI labelmap on
 * the volume's grid) through the browser's presigned upload flow. `--volume` is the same as
 * `--series` for a NIfTI volume. The last stdout line is the reference as JSON; exit 1 when refused.
 * `segflow references list --study <id>` prints the study's references.
 */
export function register(program: Command): void {
  const refs = program.command('references').description('reference segmentations (ground truth) of a study');
  refs
    .command('attach')
    .description('attach a DICOM SEG or NIfTI labelmap to a series or volume of a study (straight to storage)')
    .requiredOption('--study <id>', 'the study')
    .option('--series <id>', 'the DICOM series the SEG references')
    .option('--volume <id>', 'the NIfTI volume the labelmap is on')
    .requiredOption('--file <path>', 'the DICOM SEG (.dcm) or NIfTI labelmap (.nii, .nii.gz)')
    .option('--project <slug>', 'project slug (shown in messages only)', '')
    .action(async (opts: { study: string; series?: string; volume?: string; file: string; project: string }) => {
      const target = opts.series ?? opts.volume;
      if (!target || (opts.series && opts.volume)) throw new Error('give exactly one of --series <id> or --volume <id>');
      const { apiConnection } = await import('@/lib/platform/api-client');
      const { attachReference } = await import('@/lib/references/client/attach-reference');
      const { collectSources } = await import('@/lib/uploads/cli/collect-sources');
      const [source, ...more] = await collectSources([opts.file]);
      if (!source || more.length) throw new Error(`${opts.file}: give one file (a reference is one SEG or one NIfTI labelmap)`);
      const { reference, summary } = await attachReference({
        api: apiConnection('researcher'),
        project: opts.project,
        study: opts.study,
        series: target,
        source,
      });
      for (const r of summary.rejected) process.stderr.write(`rejected: ${r.reason}\n`);
      process.stdout.write(`${JSON.stringify(reference)}\n`);
      if (reference?.status !== 'ready') process.exitCode = 1;
    });
  refs
    .command('list')
    .description("a study's references with their status")
    .requiredOption('--study <id>', 'the study')
    .action(async (opts: { study: string }) => {
      const { apiConnection } = await import('@/lib/platform/api-client');
      const { ReferenceUploadApi } = await import('@/lib/references/client/attach-reference');
      const api = new ReferenceUploadApi(apiConnection('researcher'), '');
      process.stdout.write(`${JSON.stringify(await api.listReferences(opts.study))}\n`);
    });
}
