import { z } from 'zod';

const ZCode = z.object({ value: z.string(), scheme: z.string(), meaning: z.string() });
/** The `segflow seg --labels` file: [{ value, name, color: [r, g, b], category?, type? }]. */
export const ZLabels = z
  .array(
    z.object({
      value: z.number().int().positive(),
      name: z.string().min(1),
      color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
      category: ZCode.optional(),
      type: ZCode.optional(),
    }),
  )
  .min(1);
