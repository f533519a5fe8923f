import { z } from 'zod';
import { runStatusEnum } from '@/db/schema';
import { ZPageLimit } from '../util/page-limit';
import { decodeRunsCursor, type RunsCursor } from './runs-cursor';

export const RUNS_PAGE_DEFAULT = 50;
export const RUNS_PAGE_MAX = 200;

const DAY_MS = 24 * 60 * 60 * 1000;
/** a study's label in its project (lib/uploads/create-upload.ts numbers them S-0001, S-0002, …) */
export const STUDY_LABEL = /^S-\d+$/i;

/** A date (`2026-12-01`, the whole day in UTC) or an instant with its offset (`2026-12-01T10:00:00Z`). */
export function ZWhen(edge: 'from' | 'to') {
  return z
    .string()
    .trim()
    .refine((s) => z.iso.date().safeParse(s).success || z.iso.datetime({ offset: true }).safeParse(s).success, {
      message: 'expected a date (2026-12-01) or a date and time with its offset (2026-12-01T10:00:00Z)',
    })
    .transform((s) => {
      const dateOnly = z.iso.date().safeParse(s).success;
      const t = Date.parse(dateOnly ? `${s}T00:00:00Z` : s);
      // `to` a date: up to the end of that day
      return new Date(dateOnly && edge === 'to' ? t + DAY_MS : t);
    });
}

/** Empty query parameters (`?status=` from a form) mean "no filter". */
export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * The filters of the runs list, as the API query string and the Runs page's URL carry them.
 * `from` is inclusive, `to` exclusive (a date `to` includes that whole day).
 */
export const ZRunsFilter = z
  .object({
    status: z.preprocess(blankToUndefined, z.enum(runStatusEnum.enumValues, { message: `expected one of ${runStatusEnum.enumValues.join(', ')}` }).optional()),
    model: z.preprocess(blankToUndefined, z.string().trim().max(128).optional()),
    version: z.preprocess(blankToUndefined, z.string().trim().max(128).optional()),
    /** the study's label as the lists show it (S-0003), or its id */
    study: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .refine((s) => STUDY_LABEL.test(s) || z.uuid().safeParse(s).success, { message: 'expected a study label such as S-0003, or a study id' })
        .optional(),
    ),
    /** the submitter's email or user id */
    submitter: z.preprocess(blankToUndefined, z.string().trim().max(320).optional()),
    /** `only`: runs flagged with warnings (an implausible serving mask, lib/models/check-output-plausibility.ts) */
    warnings: z.preprocess(blankToUndefined, z.enum(['only'], { message: 'expected only' }).optional()),
    from: z.preprocess(blankToUndefined, ZWhen('from').optional()),
    to: z.preprocess(blankToUndefined, ZWhen('to').optional()),
    cursor: z.preprocess(
      blankToUndefined,
      z
        .string()
        .transform((s, ctx): RunsCursor => {
          const c = decodeRunsCursor(s);
          if (!c) {
            ctx.addIssue({ code: 'custom', message: 'not a cursor this list handed out; start again from the first page' });
            return z.NEVER;
          }
          return c;
        })
        .optional(),
    ),
    limit: z.preprocess(blankToUndefined, ZPageLimit(RUNS_PAGE_MAX, RUNS_PAGE_DEFAULT)),
  })
  .superRefine((f, ctx) => {
    if (f.version && !f.model) ctx.addIssue({ code: 'custom', path: ['version'], message: 'a version needs its model: add model=' });
    if (f.from && f.to && f.from >= f.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  });
export type TRunsFilter = z.infer<typeof ZRunsFilter>;

/** GET /api/projects/:project/runs */
export const ZListRunsQuery = z.intersection(z.object({ project: z.string().min(1) }), ZRunsFilter);
