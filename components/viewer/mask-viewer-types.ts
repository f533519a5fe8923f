import type { ViewerLabel } from '@/lib/viewer/schemas';

export interface MaskViewerMask {
  /** unique among the masks of one viewer */
  id: string;
  title: string;
  /** a GET URL of the mask NIfTI (uint8 labelmap on the volume's grid); with `instanceUrls`, of its DICOM SEG */
  url: string;
  labels: ViewerLabel[];
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
}

export type MaskViewerState = 'loading' | 'ready' | 'error';
