import type { TDisagreementProfile } from '../metrics/mask-difference';
import type { ViewerImageLink } from '../viewer/schemas';

/**
 * Diff mode's own data (beside the run's volume and masks, RunImagesDto): a link to the compare
 * step's difference labelmap and the differing voxels per slice it stored, so the browser draws
 * them without recomputing them.
 */
export interface DiffLayerDto {
  diff: ViewerImageLink;
  profile: TDisagreementProfile;
}
