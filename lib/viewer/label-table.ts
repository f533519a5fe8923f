import { z } from 'zod';
import { displayColors } from './label-palette';
import type { ViewerLabel } from './schemas';

const ZSpecLabels = z.object({
  labels: z.array(
    z.object({
      value: z.number().int().min(0).max(255),
      name: z.string().min(1),
      color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
    }),
  ),
});

/**
 * The labels a viewer draws for a mask, from the spec of the model version that produced it (the
 * spec recorded on the run, so a later change to the registry cannot recolour an old run).
 * Background (value 0) is never drawn. A colour that would not stand out over a grey image (white,
 * near-black, grey) is replaced from the one palette (label-palette.ts); `modelColor` keeps the
 * model's own.
 */
export function labelTable(spec: unknown): ViewerLabel[] {
  const parsed = ZSpecLabels.safeParse(spec);
  if (!parsed.success) return [];
  const drawn = parsed.data.labels.filter((l) => l.value !== 0).sort((a, b) => a.value - b.value);
  const colors = displayColors(drawn.map((l) => l.color));
  return drawn.map((l, i) => ({ value: l.value, name: l.name, color: colors[i], modelColor: [l.color[0], l.color[1], l.color[2]] }));
}
