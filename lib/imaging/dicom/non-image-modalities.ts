/**
 * DICOM modalities whose objects are not images to segment: segmentations, structure sets, reports,
 * presentation states, key object selections, registrations, plans (PS3.3 C.7.3.1.1.1). A series of
 * one of them is shown on its study but never offered to a model, and a run on it is refused.
 */
const NON_IMAGE: Record<string, string> = {
  SEG: 'a DICOM Segmentation (attach it as a reference of the image series it segments)',
  RTSTRUCT: 'an RT Structure Set',
  SR: 'a structured report',
  PR: 'a presentation state',
  KO: 'a key object selection',
  REG: 'a registration',
  RTPLAN: 'an RT plan',
  RTRECORD: 'an RT treatment record',
};

/** What a non-image series is, in words, or null for an image series. */
export function nonImageKind(modality: string | null | undefined): string | null {
  return (modality && NON_IMAGE[modality.toUpperCase()]) || null;
}
