import { dicomIndexFacts } from '@/lib/dicomweb/index-facts';
import { AppError } from '@/lib/errors';
import { readDicomHeader } from '@/lib/imaging/dicom/read-dicom-header';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { checkInputDomain, measureInputFacts } from '@/lib/models/check-input-domain';
import { checkOutputPlausibility } from '@/lib/models/check-output-plausibility';
import { parseModelSpec } from '@/lib/models/model-spec';
import type { TStepInvocationOf, TStepOutput, TStepResultOf } from '@/lib/pipeline/step-contract';
import { stepOutputs } from '@/lib/pipeline/steps';
import { loadModel } from '@/workers/inference/load-model';
import { bytesModelSource } from '@/workers/inference/model-source';
import { segmentVolume } from '@/workers/inference/segment-volume';
import { encodeOutputs } from '@/workers/inference/write-outputs';
import { readChecked, upstreamOutput, writeOutput } from './step-io';

/**
 * infer: one model version on the run's volume (loadModel checks the artifact's SHA-256 against
 * the registry's; CUDA when the provider is there, CPU otherwise), then the postprocessing: the
 * labelmap back on the source grid as NIfTI, a DICOM SEG against the de-identified instances for
 * DICOM input, and the label volumes. Same inputs and model → same bytes at the same keys (the
 * task's own: infer-serving and infer-shadow never share one).
 *
 * Before inference the de-identified input is checked against the model's declared domain (modality
 * and body part from the DICOM header, spacing and extent from the volume, its intensity profile): an
 * input outside it is refused (`out_of_domain`, not retried) with the reason in the user's words.
 * After it the label volumes are checked for plausibility: an implausible mask is kept, and the
 * step answers warnings the run carries (lib/models/check-output-plausibility.ts).
 */
export async function infer(inv: TStepInvocationOf<'infer'>): Promise<TStepResultOf<'infer'>> {
  const m = inv.model;
  if (!m) throw new AppError('invalid_input', `${inv.task}: no model given`);
  const spec = parseModelSpec(m.spec, `model ${m.model}@${m.version} spec`);
  const volumeRef = upstreamOutput(inv, 'convert', 'convert', 'volume');
  const volume = readNifti(await readChecked(volumeRef, 'the run volume'), 'the run volume');
  const source =
    inv.kind === 'dicom'
      ? await Promise.all(
          stepOutputs(inv.upstream.deidentify ?? [], 'deidentify', 'instance').map(async (o) => ({
            name: o.name,
            bytes: await readChecked(o, `de-identified ${o.name}`),
          })),
        )
      : undefined;
  const header = source?.length ? readDicomHeader(source[0].bytes, source[0].name) : undefined;
  // DICOM: the de-identified header says; NIfTI: what the researcher stated at upload, if anything
  const stated = inv.params.stated;
  const facts = measureInputFacts(volume, {
    kind: inv.kind,
    modality: header?.modality ?? stated?.modality ?? undefined,
    bodyPart: header?.bodyPartExamined ?? stated?.bodyPart ?? undefined,
  });
  const domain = checkInputDomain(spec, facts);
  const override = inv.params.domainOverride;
  if (domain.refusal && !override) throw new AppError('out_of_domain', domain.refusal, { checks: domain.checks });
  // an operator's override: segmented all the same, and every reader of the run is told
  const overridden =
    domain.refusal && override ? [`Segmented outside the model's input domain on an operator's override (${override.reason}): ${domain.refusal}`] : [];
  const artifact = await readChecked({ key: m.artifactKey, versionId: null, sha256: m.sha256, size: 0 }, `model ${m.model}@${m.version}`);
  const model = await loadModel({
    source: bytesModelSource({ model: artifact, spec, describe: `${m.model}@${m.version}` }),
    expectedSha256: m.sha256,
    log: () => {},
  });
  const result = await segmentVolume({ volume, model, spec, source });
  const plausibility = checkOutputPlausibility(spec, result.labelVolumesMl);
  const encoded = encodeOutputs(result);
  const outputs: TStepOutput[] = [await writeOutput(inv, 'mask', encoded.mask)];
  const seg = encoded.seg ? await writeOutput(inv, 'seg', encoded.seg) : undefined;
  if (seg) outputs.push(seg);
  outputs.push(await writeOutput(inv, 'volumes', encoded.volumes));
  return {
    outputs,
    info: {
      role: m.role,
      model: `${m.model}@${m.version}`,
      provider: result.provider,
      labelVolumesMl: result.labelVolumesMl,
      timingsMs: Math.round(result.timings.totalMs),
      ...(encoded.segSkipped ? { segSkipped: encoded.segSkipped } : {}),
      checks: [...domain.checks, ...plausibility.checks],
      warnings: [...overridden, ...plausibility.warnings],
      ...(seg && encoded.seg ? { segDicom: dicomIndexFacts(encoded.seg, seg.name) } : {}),
    },
  };
}
