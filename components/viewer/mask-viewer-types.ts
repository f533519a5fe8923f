import type { Plane } from '@/lib/viewer/plane-orientation';
import type { ViewerLabel } from '@/lib/viewer/schemas';
import type { ViewerLayout } from '@/lib/viewer/viewer-url-state';

export interface MaskViewerMask {
  /** unique among the masks of one viewer */
  id: string;
  title: string;
  /** a GET URL of the mask NIfTI (uint8 labelmap on the volume's grid); with `instanceUrls`, of its DICOM SEG */
  url: string;
  labels: ViewerLabel[];
  /** fill opacity each label opens at, by value (default 0.5; the segmentation panel changes it) */
  opacity?: Record<number, number>;
  /**
   * with `instanceUrls`, 'nifti': the mask is a NIfTI labelmap (a reference on the converted volume's
   * grid), placed on the series by patient coordinates; default 'seg'
   */
  format?: 'seg' | 'nifti';
}

export type MaskViewerLayout = 'overlay' | 'side-by-side';

export interface MaskViewerProps {
  /** a GET URL of the volume NIfTI (.nii or .nii.gz) */
  volumeUrl: string;
  /** a DICOM series instead: GET URLs of its (de-identified) instances, shown natively; the masks are then DICOM SEGs over it */
  instanceUrls?: string[];
  masks: MaskViewerMask[];
  /** overlay: every mask over one viewport; side-by-side: one viewport per mask, slices in step */
  layout: MaskViewerLayout;
  /** the series' modality: CT offers the Hounsfield presets and opens at soft tissue; others open at a window from the histogram */
  modality?: string | null;
  /** keep the layout, window and slices in the page's URL (default true; one viewer per page) */
  syncUrl?: boolean;
  /** the layout to open in (default: 1×1 side by side, else 1×3); the URL's wins with `syncUrl` */
  initialGrid?: ViewerLayout;
  /** keeps the plane on the slice through this point (patient coordinates, LPS mm): another view drives it */
  follow?: { plane: Plane; pointLps: readonly [number, number, number] } | null;
  /** told where the planes meet (LPS mm) after every slice change, so another view can follow */
  onCursor?: (pointLps: [number, number, number]) => void;
}

export type MaskViewerState = 'loading' | 'ready' | 'error';
