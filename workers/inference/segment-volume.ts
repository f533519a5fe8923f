/**
 * The inference step's core, shared by the pipeline step, the CLI and the benchmark:
 * conform to the model grid → scale intensities → run (whole or sliding window) → argmax →
 * labelmap back on the source grid (nearest) → per-label volumes.
 */
import type { Volume } from '@/lib/imaging/volume';
import { conformGrid, resampleToGrid } from '@/lib/imaging/nifti/conform';
import { sameAffine } from '@/lib/imaging/nifti/mat4';
import { AppError } from '@/lib/errors';
import type { TModelSpec } from '@/lib/models/model-spec';
import type { LoadedModel } from './load-model';
import type { ExecutionProvider } from './select-provider';
import { scaleIntensity } from './scale-intensity';
import { runWholeVolume } from './run-whole';
import { runSlidingWindow } from './sliding-window';
import { measureLabelVolumesMl } from './label-volumes';

/** The original files of a DICOM input: a DICOM SEG is written against them. */
export type SourceFiles = { name: string; bytes: Uint8Array }[];

export interface SegmentTimings {
  conformMs: number;
  scaleMs: number;
  runMs: number;
  argmaxMs: number;
  resampleBackMs: number;
  totalMs: number;
  patches?: number;
}

export interface SegmentResult {
  /** on the input volume's grid (dims and affine of `volume`) */
  labelmap: Volume<Uint8Array>;
  labelVolumesMl: Record<string, number>;
  timings: SegmentTimings;
  provider: ExecutionProvider;
  model: { name: string; version: string; sha256: string };
  labels: TModelSpec['labels'];
  /** passed through for the DICOM SEG writer; absent for NIfTI input */
  source?: SourceFiles;
}

export async function segmentVolume(p: { volume: Volume; model: LoadedModel; spec?: TModelSpec; source?: SourceFiles }): Promise<SegmentResult> {
  const { volume, model } = p;
  const spec = p.spec ?? model.spec;
  const started = performance.now();
  const expected = volume.dims[0] * volume.dims[1] * volume.dims[2];
  if (volume.data.length !== expected) {
    throw new AppError('invalid_input', `input volume has ${volume.data.length} voxels, dims ${volume.dims.join('x')} need ${expected}`);
  }

  const target = conformGrid(volume, { dims: spec.grid.dims, spacing: spec.grid.spacing, orientation: spec.grid.orientation });
  // An input already on the model grid (t1_crop, FreeSurfer output) skips both resamplings.
  const onGrid = volume.dims.every((n, d) => n === target.dims[d]) && sameAffine(target.dims, volume.affine, target.affine);
  let t = performance.now();
  const conformed = onGrid ? volume : resampleToGrid(volume, target, 'linear');
  const conformMs = performance.now() - t;

  t = performance.now();
  const input = scaleIntensity(conformed.data, spec.intensity);
  const scaleMs = performance.now() - t;

  const run =
    spec.inference.mode === 'sliding-window'
      ? await runSlidingWindow(model, input, conformed.dims, spec.inference)
      : { ...(await runWholeVolume(model, input, conformed.dims)), patches: undefined };

  t = performance.now();
  const onModelGrid: Volume<Uint8Array> = { dims: [...conformed.dims], spacing: [...conformed.spacing], affine: conformed.affine, data: run.labels };
  const labelmap = onGrid ? onModelGrid : (resampleToGrid(onModelGrid, { dims: volume.dims, affine: volume.affine }, 'nearest') as Volume<Uint8Array>);
  const resampleBackMs = performance.now() - t;

  return {
    labelmap,
    labelVolumesMl: measureLabelVolumesMl(labelmap, spec.labels),
    timings: {
      conformMs,
      scaleMs,
      runMs: run.runMs,
      argmaxMs: run.argmaxMs,
      resampleBackMs,
      totalMs: performance.now() - started,
      ...(run.patches !== undefined ? { patches: run.patches } : {}),
    },
    provider: model.provider,
    model: { name: spec.name, version: spec.version, sha256: model.sha256 },
    labels: spec.labels,
    ...(p.source ? { source: p.source } : {}),
  };
}
