import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { series } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { MODALITY_WORDS } from '../models/check-input-domain';

const MODALITIES = Object.keys(MODALITY_WORDS) as [string, ...string[]];

/**
 * What a researcher states of a NIfTI volume, which carries neither: its modality (a DICOM code)
 * and body part (as DICOM's BodyPartExamined writes it: capitals, e.g. HEAD, BRAIN, CHEST). A
 * model's input domain is checked against them; a volume with none stated is run with the domain
 * "not checked", and the run says so.
 */
export const ZVolumeFacts = z.object({
  modality: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(MODALITIES, { error: `expected one of ${MODALITIES.join(', ')}` }))
    .nullable(),
  bodyPart: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase().replace(/\s+/g, ' '))
    .pipe(z.string().regex(/^[A-Z0-9 _]{1,16}$/, 'expected up to 16 letters, digits, spaces or underscores (e.g. HEAD, BRAIN, CHEST)'))
    .nullable(),
});
export type TVolumeFacts = z.infer<typeof ZVolumeFacts>;

export const ZStateVolumeFacts = ZVolumeFacts.extend({ series: z.uuid() });

/** Records the stated modality and body part of a NIfTI volume of the project (null clears one). */
export async function stateVolumeFacts(db: DbOrTx, p: { projectId: string; seriesId: string } & TVolumeFacts): Promise<TVolumeFacts & { id: string }> {
  const [target] = await db
    .select({ id: series.id, kind: series.kind })
    .from(series)
    .where(and(eq(series.id, p.seriesId), eq(series.projectId, p.projectId)));
  if (!target) throw new AppError('not_found', `series ${p.seriesId} not found`);
  if (target.kind !== 'nifti') {
    throw new AppError('invalid_input', `series ${p.seriesId} is a DICOM series: its modality and body part come from its own headers`, { field: 'series' });
  }
  const [row] = await db
    .update(series)
    .set({ modality: p.modality, bodyPart: p.bodyPart })
    .where(eq(series.id, target.id))
    .returning({ id: series.id, modality: series.modality, bodyPart: series.bodyPart });
  return { id: row.id, modality: row.modality as TVolumeFacts['modality'], bodyPart: row.bodyPart };
}

/** The project a series belongs to, for the guard. */
export async function projectOfSeries(db: DbOrTx, seriesId: string): Promise<string> {
  const [row] = await db.select({ projectId: series.projectId }).from(series).where(eq(series.id, seriesId)).limit(1);
  if (!row) throw new AppError('not_found', `series ${seriesId} not found`);
  return row.projectId;
}
