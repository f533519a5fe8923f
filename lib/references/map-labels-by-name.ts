/**
 * Which reference label is which model label: by name (case, spaces, dashes and underscores aside),
 * since a SEG numbers its segments in its own order. A NIfTI reference carries no names: its values
 * are taken as the model's label values.
 */
export interface LabelMapping {
  /** reference voxel value → model label value (0: not compared) */
  remap: Uint8Array;
  /** the model labels compared, by the model's value and name */
  compared: { value: number; name: string }[];
  /** reference labels with no model label of that name */
  unmatched: string[];
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

export function mapLabelsByName(reference: readonly { value: number; name: string }[], model: readonly { value: number; name: string }[]): LabelMapping {
  const remap = new Uint8Array(256);
  const foreground = model.filter((l) => l.value !== 0);
  if (reference.length === 0) {
    for (const l of foreground) remap[l.value] = l.value;
    return { remap, compared: [...foreground], unmatched: [] };
  }
  const byName = new Map(foreground.map((l) => [norm(l.name), l]));
  const compared = new Map<number, { value: number; name: string }>();
  const unmatched: string[] = [];
  for (const r of reference) {
    const m = byName.get(norm(r.name));
    if (!m || r.value < 1 || r.value > 255) {
      unmatched.push(r.name);
      continue;
    }
    remap[r.value] = m.value;
    compared.set(m.value, { value: m.value, name: m.name });
  }
  return { remap, compared: [...compared.values()].sort((a, b) => a.value - b.value), unmatched };
}
