/**
 * The instances a DICOM SEG says it segments: ReferencedSeriesSequence's instances and each frame's
 * DerivationImageSequence source images (a SEG may fill either or both).
 */
type Item = Record<string, unknown>;
const seq = (v: unknown): Item[] => (Array.isArray(v) ? (v as Item[]) : v && typeof v === 'object' ? [v as Item] : []);

export function segReferencedInstances(ds: Item): { seriesUids: string[]; sopInstanceUids: string[] } {
  const seriesUids = new Set<string>();
  const sops = new Set<string>();
  for (const s of seq(ds.ReferencedSeriesSequence)) {
    if (s.SeriesInstanceUID) seriesUids.add(String(s.SeriesInstanceUID));
    for (const i of seq(s.ReferencedInstanceSequence)) if (i.ReferencedSOPInstanceUID) sops.add(String(i.ReferencedSOPInstanceUID));
  }
  for (const frame of seq(ds.PerFrameFunctionalGroupsSequence))
    for (const d of seq(frame.DerivationImageSequence))
      for (const src of seq(d.SourceImageSequence)) if (src.ReferencedSOPInstanceUID) sops.add(String(src.ReferencedSOPInstanceUID));
  return { seriesUids: [...seriesUids], sopInstanceUids: [...sops] };
}
