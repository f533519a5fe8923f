/**
 * Images likely to carry burned-in text (names, dates drawn into the pixels) cannot be made safe by
 * header de-identification, so they are held back. The rule is deliberately broad: an explicit
 * BurnedInAnnotation = YES, modalities that are usually screenshots or photos, and every Secondary
 * Capture SOP class.
 */
const RISKY_MODALITIES = new Set(['US', 'SC', 'OT', 'XC']);
const SECONDARY_CAPTURE_ROOT = '1.2.840.10008.5.1.4.1.1.7';

export function burnedInTextRisk(h: { burnedInAnnotation?: string; modality?: string; sopClassUid: string }): string | undefined {
  if (h.burnedInAnnotation?.toUpperCase() === 'YES') return 'BurnedInAnnotation (0028,0301) is YES';
  if (h.modality && RISKY_MODALITIES.has(h.modality.toUpperCase())) {
    return `modality ${h.modality} often carries burned-in text`;
  }
  if (h.sopClassUid === SECONDARY_CAPTURE_ROOT || h.sopClassUid.startsWith(`${SECONDARY_CAPTURE_ROOT}.`)) {
    return `Secondary Capture SOP class ${h.sopClassUid} often carries burned-in text`;
  }
  return undefined;
}
