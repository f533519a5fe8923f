import type { Command } from 'commander';
import { join } from 'node:path';

/**
 * `segflow upload <paths...> --project <slug> [--study <id>] [--modality <code>] [--body-part <part>]`:
 * the browser's presigned flow (same API, same engine) for bulk and scripted uploads; NIfTI volumes
 * get the stated modality and body part (they carry none) for a model's input-domain check. The last stdout line is the JSON summary; exit 1 when a
 * file was rejected. `segflow uploads sweep` aborts abandoned multipart uploads once.
 */
export function register(program: Command): void {
  program
    .command('upload')
    .description('upload DICOM files/folders/.zip or NIfTI volumes into a study (straight to storage)')
    .argument('<paths...>', 'files, folders or .zip archives')
    .requiredOption('--project <slug>', 'project slug')
    .option('--study <id>', 'add to this study instead of a new one')
    .option('--modality <code>', "NIfTI volumes: their modality (MR, CT, …; NIfTI carries none), checked against a model's input domain")
    .option('--body-part <part>', 'NIfTI volumes: their body part (HEAD, BRAIN, CHEST, …)')
    .action(async (paths: string[], opts: { project: string; study?: string; modality?: string; bodyPart?: string }) => {
      // checked before anything is sent: a wrong code is named now, not after the upload
      const { ZVolumeFacts } = await import('@/lib/studies/state-volume-facts');
      const facts = ZVolumeFacts.safeParse({ modality: opts.modality ?? null, bodyPart: opts.bodyPart ?? null });
      if (!facts.success) {
        const issue = facts.error.issues[0];
        throw new Error(`--${issue.path[0] === 'bodyPart' ? 'body-part' : 'modality'}: ${issue.message}`);
      }
      const stating = facts.data.modality !== null || facts.data.bodyPart !== null;
      const { apiConnection } = await import('@/lib/platform/api-client');
      const { config } = await import('@/lib/config');
      const { UploadApi } = await import('@/lib/uploads/client/upload-api');
      const { UploadEngine } = await import('@/lib/uploads/client/upload-engine');
      const { collectSources } = await import('@/lib/uploads/cli/collect-sources');
      const { fileResumeStore } = await import('@/lib/uploads/cli/file-resume-store');
      const { claimResumeKey } = await import('@/lib/uploads/cli/resume-slot');
      const { fingerprint } = await import('@/lib/uploads/client/upload-source');
      const { progressLine } = await import('@/lib/uploads/cli/progress-bar');
      const { baseUrl, token } = apiConnection('researcher');
      const sources = await collectSources(paths);
      if (sources.length === 0) throw new Error('no files found');
      // one resume record per file set and target, locked while this process uploads
      const resumeDir = join(config().dataDir, 'uploads');
      const slot = claimResumeKey(resumeDir, { target: `${baseUrl} ${opts.project} ${opts.study ?? 'new'}`, fingerprints: sources.map(fingerprint) });
      const engine = new UploadEngine({
        api: new UploadApi({ baseUrl, token }),
        project: opts.project,
        study: opts.study,
        store: fileResumeStore(resumeDir),
        resumeKey: slot.key,
      });
      engine.add(sources);
      let stop = () => {};
      if (process.stderr.isTTY) {
        const timer = setInterval(() => process.stderr.write(`\r${progressLine(engine.getSnapshot())}`), 250);
        stop = () => {
          clearInterval(timer);
          process.stderr.write(`\r${progressLine(engine.getSnapshot())}\n`);
        };
      }
      try {
        const s = await engine.run();
        stop();
        // the stated facts go to the study's NIfTI volumes that have none yet (this upload's)
        if (stating) {
          for (const v of s.volumes.filter((x) => x.modality === null && x.bodyPart === null)) {
            const res = await fetch(`${baseUrl}/api/series/${v.id}/facts`, {
              method: 'PUT',
              headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
              body: JSON.stringify(facts.data),
            });
            if (!res.ok) throw new Error(`stating the modality and body part of volume ${v.id}: HTTP ${res.status} ${await res.text()}`);
            Object.assign(v, facts.data);
          }
        }
        for (const r of s.rejected) process.stderr.write(`rejected: ${r.reason}\n`);
        const out = {
          study: s.study,
          series: s.series.map((x) => ({ id: x.id, modality: x.modality, instances: x.instances, rows: x.rows, columns: x.columns })),
          volumes: s.volumes.map((v) => ({ id: v.id, dims: v.dims, modality: v.modality, bodyPart: v.bodyPart })),
          rejected: s.rejected,
        };
        process.stdout.write(`${JSON.stringify(out)}\n`);
        if (s.rejected.length) process.exitCode = 1;
      } finally {
        stop();
        slot.release();
      }
    });

  program
    .command('uploads')
    .description('upload housekeeping')
    .command('sweep')
    .description('abort multipart uploads nobody finished (older than a day)')
    .action(async () => {
      const { closeDb, getDb } = await import('@/lib/db');
      const { sweepAbandonedUploads } = await import('@/lib/uploads/sweep-abandoned-uploads');
      try {
        const res = await sweepAbandonedUploads(getDb());
        console.log(`aborted ${res.files} abandoned file uploads, closed ${res.uploads} uploads`);
      } finally {
        await closeDb();
      }
    });
}
