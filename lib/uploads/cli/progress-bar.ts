import type { EngineSnapshot } from '../client/upload-engine';

const MiB = 1024 * 1024;

/** One line for a terminal: files done, bytes, throughput and time left. */
export function progressLine(s: EngineSnapshot, width = 24): string {
  const frac = s.totalBytes ? s.sentBytes / s.totalBytes : 0;
  const filled = Math.round(frac * width);
  const done = s.files.filter((f) => ['verified', 'rejected', 'failed', 'cancelled'].includes(f.phase)).length;
  const eta = s.etaSeconds == null ? '--' : `${Math.ceil(s.etaSeconds)}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${done}/${s.files.length} files  ${(s.sentBytes / MiB).toFixed(1)}/${(s.totalBytes / MiB).toFixed(1)} MiB  ${(s.bytesPerSecond / MiB).toFixed(1)} MiB/s  ${eta} left`;
}
