/**
 * Retain Longitudinal Temporal Information with Modified Dates: all dates of one patient move by the
 * same number of days, derived from the project secret and the patient, so intervals between a
 * patient's studies survive while the real dates do not. Times of day are kept (a whole-day shift
 * does not change them).
 */
import { createHmac } from 'node:crypto';

/** Between 1 and 3650 days into the past. */
export function dateShiftDays(secret: string | Uint8Array, patientKey: string): number {
  const digest = createHmac('sha256', secret).update(`date-shift\0${patientKey}`).digest();
  return -(1 + (digest.readUInt32BE(0) % 3650));
}

function shiftDa(da: string, days: number): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t + days * 86_400_000);
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) return undefined;
  return `${String(y).padStart(4, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/**
 * Shifts each DA value (or the date part of each DT value, or both ends of a range). A value that
 * is not a full date cannot be shifted safely and yields undefined: the caller then removes it.
 */
export function shiftDateValue(value: string, vr: 'DA' | 'DT', days: number): string | undefined {
  const out: string[] = [];
  for (const v of value.split('\\')) {
    const parts = v.trim().split('-');
    const shifted: string[] = [];
    for (const p of parts) {
      if (p === '') {
        shifted.push('');
        continue;
      }
      const date = vr === 'DA' ? p : p.slice(0, 8);
      const s = shiftDa(date, days);
      if (s === undefined) return undefined;
      shifted.push(s + (vr === 'DT' ? p.slice(8) : ''));
    }
    out.push(shifted.join('-'));
  }
  return out.join('\\');
}
