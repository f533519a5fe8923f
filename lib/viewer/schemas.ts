/**
 * What the viewer is given: short-lived GET URLs for a run's de-identified volume and its masks,
 * each mask with the label table of the model that produced it. Shared by the run images route and
 * the reviewer's loader (lib/reviews), and by the client viewer.
 */
export interface ViewerLabel {
  /** voxel value in the mask */
  value: number;
  name: string;
  /** the colour drawn: the model's, or the palette's where the model's would not stand out on grey */
  color: [number, number, number];
  /** the colour in the model's label table */
  modelColor?: [number, number, number];
}

export interface ViewerImageLink {
  /** presigned GET, valid until expiresAt (≤ 5 minutes) */
  url: string;
  expiresAt: string;
  sha256: string;
  size: number;
}

/** 'reference', 'reference-2', …: a reference segmentation (ground truth) of the run's series */
export type MaskSource = 'serving' | 'shadow' | 'reference' | `reference-${number}`;

export interface ViewerMask extends ViewerImageLink {
  /** 'serving': the live or canary version's mask; 'shadow': the shadow version's (never shown to researchers) */
  id: MaskSource;
  /** the model role that produced it ('reference': a researcher's ground truth, lib/references) */
  role: 'live' | 'canary' | 'shadow' | 'reference';
  model: string;
  version: string;
  /** labels drawn (background, value 0, is never drawn and not listed) */
  labels: ViewerLabel[];
}

export interface RunImagesDto {
  run: string;
  /** the input series' modality (CT, MR, …; null when unknown): which window presets the viewer offers */
  modality: string | null;
  /** the run's input is a DICOM series with its SEG written: `?format=dicom` shows it natively (the run page's links say; a review case's do not) */
  dicom?: boolean;
  volume: ViewerImageLink;
  masks: ViewerMask[];
}

/**
 * `?format=dicom`: the run's de-identified DICOM instances (derived/, one link per instance, in input
 * order; the viewer sorts them by position) and each model's DICOM SEG over them, as the masks.
 */
export interface RunDicomImagesDto {
  run: string;
  format: 'dicom';
  modality: string | null;
  instances: ViewerImageLink[];
  /** the masks as DICOM SEG objects (url: the seg.dcm), with the label tables their segments map to */
  masks: ViewerMask[];
  /**
   * the reference segmentations of the run's series as NIfTI labelmaps (on the converted volume's
   * grid, de-identified): the viewer places their voxels on the series by patient coordinates
   */
  references: ViewerMask[];
}
