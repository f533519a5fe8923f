import { AppError } from '@/lib/errors';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { parseModelSpec } from '@/lib/models/model-spec';
import type { TStepInvocation, TStepOutput, TStepResult } from '@/lib/pipeline/step-contract';
import { putObject } from '@/lib/storage/objects';
import { loadModel } from '@/workers/inference/load-model';
import { bytesModelSource } from '@/workers/inference/model-source';
import { segmentVolume } from '@/workers/inference/segment-volume';
import { writeSegmentationOutputs } from '@/workers/inference/write-outputs';
import { readChecked, upstreamOutput } from './step-io';

/**
 * infer: one model version on the run's volume (loadModel checks the artifact's SHA-256 against
 * the registry's; CUDA when the provider is there, CPU otherwise), then the postprocessing: the
 * labelmap back on the source grid as NIfTI, a DICOM SEG against the de-identified instances for
 * DICOM input, and the label volumes. Same inputs and model → same bytes at the same keys.
 */
export async function infer(inv: TStepInvocation): Promise<TStepResult> {
  const m = inv.model;
  if (!m) throw new AppError('invalid_input', `${inv.task}: no model given`);
  const spec = parseModelSpec(m.spec, `model ${m.model}@${m.version} spec`);
  const artifact = await readChecked({ key: m.artifactKey, versionId: null, sha256: m.sha256, size: 0 }, `model ${m.model}@${m.version}`);
  const model = await loadModel({ source: bytesModelSource({ model: artifact, spec, describe: `${m.model}@${m.version}` }), expectedSha256: m.sha256, log: () => {} });
  const volumeRef = upstreamOutput(inv, 'convert', 'volume.nii.gz');
  const volume = readNifti(await readChecked(volumeRef, 'the run volume'), 'the run volume');
  const source =
    inv.kind === 'dicom'
      ? await Promise.all((inv.upstream.deidentify ?? []).map(async (o) => ({ name: o.name, bytes: await readChecked(o, `de-identified ${o.name}`) })))
      : undefined;
  const result = await segmentVolume({ volume, model, spec, source });
  const outputs: TStepOutput[] = [];
  const written = await writeSegmentationOutputs({
    result,
    projectId: inv.run.projectId,
    studyId: inv.run.studyId,
    runId: inv.run.id,
    put: async (key, body) => {
      const put = await putObject({ key, body, contentType: key.endsWith('.json') ? 'application/json' : key.endsWith('.dcm') ? 'application/dicom' : 'application/gzip' });
      outputs.push({ name: key.slice(key.lastIndexOf('/') + 1), key, versionId: put.versionId, sha256: put.sha256, size: put.size });
    },
  });
  return {
    outputs,
    info: {
      role: m.role,
      model: `${m.model}@${m.version}`,
      provider: result.provider,
      labelVolumesMl: result.labelVolumesMl,
      timingsMs: Math.round(result.timings.totalMs),
      ...(written.segSkipped ? { segSkipped: written.segSkipped } : {}),
    },
  };
}
