import { AppError } from '../errors';

/**
 * What an Accept header allows of a response stored as `transferSyntaxUid`: segflow serves bytes as
 * stored and does not transcode, so an Accept that names only other transfer syntaxes is refused
 * (406) with the stored one named. No transfer-syntax parameter, or `*`, accepts the stored one.
 */
export function checkAccept(accept: string | null, p: { mediaType: string; transferSyntaxUids: readonly string[] }): void {
  if (!accept) return;
  const ranges = accept.split(',').map((r) => r.trim().toLowerCase());
  const fits = ranges.filter(
    (r) =>
      r.startsWith('*/*') ||
      r.startsWith('multipart/*') ||
      (r.startsWith('multipart/related') && (!/type=/.test(r) || r.includes(p.mediaType) || r.includes('application/octet-stream') || r.includes('*'))),
  );
  if (!fits.length) throw new AppError('not_acceptable', `Accept: this resource is multipart/related; type="${p.mediaType}"`);
  const syntaxes = fits.map((r) => /transfer-syntax=([^;\s]+)/.exec(r)?.[1]?.replace(/"/g, '') ?? '*');
  if (syntaxes.includes('*')) return;
  const missing = p.transferSyntaxUids.find((ts) => !syntaxes.includes(ts));
  if (missing)
    throw new AppError(
      'not_acceptable',
      `Accept: stored as transfer syntax ${missing}, and segflow serves DICOM as stored (no transcoding); ask for transfer-syntax=${missing} or *`,
    );
}
