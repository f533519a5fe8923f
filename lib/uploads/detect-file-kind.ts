/**
 * What a file is, from its first bytes (isomorphic: the client sniffs before sending, the server
 * decides after the checksum). DICOM Part 10 has "DICM" at 128; NIfTI-1 has sizeof_hdr 348 at 0
 * (either byte order); a .nii.gz is gzip. Names only break ties for gzip and preamble-less DICOM.
 */
export type FileKind = 'dicom' | 'nifti' | 'zip' | 'unknown';

/** how many leading bytes `detectFileKind` needs */
export const SNIFF_BYTES = 352;

export function detectFileKind(head: Uint8Array, fileName: string): FileKind {
  const lower = fileName.toLowerCase();
  if (head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d) return 'dicom';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return lower.endsWith('.nii.gz') || lower.endsWith('.gz') ? 'nifti' : 'unknown';
  if (head.length >= 348) {
    const le = head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24);
    const be = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
    if (le === 348 || be === 348) return 'nifti';
  }
  // DICOM without the Part 10 preamble starts with a group 0x0008 element, little endian
  if (lower.endsWith('.dcm') && head.length >= 8 && head[0] === 0x08 && head[1] === 0x00) return 'dicom';
  return 'unknown';
}

/** The message a file that is neither DICOM nor NIfTI gets. */
export function notImagingMessage(fileName: string): string {
  return `${fileName}: not a DICOM or NIfTI file`;
}
