import { z } from 'zod';
import { blankToUndefined, ZWhen } from '../runs/list-runs-query';
import { decodeRunsCursor, type RunsCursor } from '../runs/runs-cursor';
import { ZPageLimit } from '../util/page-limit';

export const STUDIES_PAGE_DEFAULT = 50;
export const STUDIES_PAGE_MAX = 200;

/**
 * The filters of the studies list, as the API query string and the Studies page's URL carry them:
 * the subject's pseudonym, a modality one of its series has, created from (inclusive) / to
 * (exclusive; a date includes that whole day); `cursor` from the previous page.
 */
export const ZStudiesFilter = z
  .object({
    subject: z.preprocess(blankToUndefined, z.string().trim().max(128).optional()),
    modality: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2,16}$/, 'expected a DICOM modality such as MR or CT')
        .transform((s) => s.toUpperCase())
        .optional(),
    ),
    from: z.preprocess(blankToUndefined, ZWhen('from').optional()),
    to: z.preprocess(blankToUndefined, ZWhen('to').optional()),
    cursor: z.preprocess(
      blankToUndefined,
      z
        .string()
        .transform((s, ctx): RunsCursor => {
          // the same (created_at, id) keyset as the runs list
          const c = decodeRunsCursor(s);
          if (!c) {
            ctx.addIssue({ code: 'custom', message: 'not a cursor this list handed out; start again from the first page' });
            return z.NEVER;
          }
          return c;
        })
        .optional(),
    ),
    limit: z.preprocess(blankToUndefined, ZPageLimit(STUDIES_PAGE_MAX, STUDIES_PAGE_DEFAULT)),
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.from >= f.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  });
export type TStudiesFilter = z.infer<typeof ZStudiesFilter>;

/** GET /api/projects/:project/studies */
export const ZListStudiesQuery = z.intersection(z.object({ project: z.string().min(1) }), ZStudiesFilter);
