import type { ViewerMask } from '@/lib/viewer/schemas';
import type { MaskViewerMask } from './mask-viewer-types';

/**
 * Viewer masks with their titles. On the run page a mask is named by its model version; on a review
 * page by the role only ("Live", "Shadow"), the way reviewers are asked to compare them.
 */
export function viewerMasks(masks: ViewerMask[], context: 'run' | 'review'): MaskViewerMask[] {
  return masks.map((m) => ({
    id: m.id,
    title:
      m.role === 'reference'
        ? `Reference (${m.version === 'seg' ? 'DICOM SEG' : 'NIfTI'})`
        : context === 'review'
          ? m.id === 'shadow'
            ? 'Shadow'
            : 'Live'
          : `${m.model} ${m.version} (${m.role})`,
    url: m.url,
    labels: m.labels,
  }));
}
