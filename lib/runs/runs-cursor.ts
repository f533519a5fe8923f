import { z } from 'zod';

/**
 * The opaque cursor of the runs list: the (created_at, id) of the last row of a page, with created_at
 * to the microsecond as PostgreSQL stores it (a JS Date would round it to the millisecond and a page
 * boundary inside one millisecond would repeat or skip rows).
 */
export interface RunsCursor {
  /** created_at as `YYYY-MM-DDTHH:MM:SS.ffffffZ` */
  at: string;
  id: string;
}

const ZCursorBody = z.object({
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  id: z.uuid(),
});

export function encodeRunsCursor(c: RunsCursor): string {
  return Buffer.from(JSON.stringify({ at: c.at, id: c.id })).toString('base64url');
}

/** The cursor, or null when the text is not one this list handed out. */
export function decodeRunsCursor(text: string): RunsCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  try {
    const parsed = ZCursorBody.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success && !Number.isNaN(Date.parse(parsed.data.at)) ? parsed.data : null;
  } catch {
    return null;
  }
}
