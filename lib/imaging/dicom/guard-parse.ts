/**
 * Last line of defence at the parsing boundary: the walkers check every bound they read, so an
 * error that is not an AppError means a parser bug. It is still reported per file (never crashing a
 * batch), and flagged `unexpected` so tests can insist that it never happens.
 */
import { AppError, isAppError } from '@/lib/errors';

export function guardParse<T>(fileName: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (isAppError(err)) throw err;
    // the library's own words describe its code, not the file: never shown to the user
    throw new AppError('malformed_file', `${fileName}: could not be read as DICOM (its structure is damaged)`, {
      file: fileName,
      unexpected: true,
    });
  }
}
