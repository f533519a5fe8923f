import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * PS3.15 Annex E Table E.1-1 read straight from the standard's snapshot (innolitics JSON in
 * fixtures/deid-standard), independently of the generated table and of the de-identifier: what the
 * tests decide PHI from. A tag is identifying when the table lists it (every basic-profile action
 * removes, empties, dummies or replaces the value) and none of the enabled options keeps it.
 */
const DIR = fileURLToPath(new URL('../fixtures/deid-standard/innolitics/', import.meta.url));

export interface StandardRow {
  name: string;
  /** "(0010,0010)", "(50XX,XXXX)" or "(GGGG,EEEE) WHERE GGGG IS ODD" */
  tag: string;
  basicProfile: string;
  [column: string]: string;
}

/** the option columns of the standard's JSON, as the standard names them (PS3.15 Table E.1-1) */
export const STANDARD_OPTION_COLUMNS = [
  'rtnSafePrivOpt',
  'rtnUIDsOpt',
  'rtnDevIdOpt',
  'rtnInstIdOpt',
  'rtnPatCharsOpt',
  'rtnLongFullDatesOpt',
  'rtnLongModifDatesOpt',
  'cleanDescOpt',
  'cleanStructContOpt',
  'cleanGraphOpt',
] as const;
export type StandardOptionColumn = (typeof STANDARD_OPTION_COLUMNS)[number];

export const STANDARD_ROWS: readonly StandardRow[] = JSON.parse(readFileSync(`${DIR}confidentiality_profile_attributes.json`, 'utf8'));

/** Does a row's tag pattern cover this tag? An X in the pattern is any hex digit. */
export function patternMatches(pattern: string, tag: number): boolean {
  if (pattern.startsWith('(GGGG,EEEE)')) return ((tag >>> 16) & 1) === 1;
  const hex = tag.toString(16).toUpperCase().padStart(8, '0');
  const digits = pattern.replace(/[(),]/g, '');
  return digits.length === 8 && [...digits].every((d, i) => d === 'X' || d === hex[i]);
}

/** The standard's row for a tag: an exact row first, then a pattern row (repeating groups, private). */
export function standardRowFor(tag: number): StandardRow | undefined {
  const hex = tag.toString(16).toUpperCase().padStart(8, '0');
  const exact = `(${hex.slice(0, 4)},${hex.slice(4)})`;
  return (
    STANDARD_ROWS.find((r) => r.tag === exact) ??
    STANDARD_ROWS.find((r) => r.tag.includes('X') && patternMatches(r.tag, tag)) ??
    (((tag >>> 16) & 1) === 1 ? STANDARD_ROWS.find((r) => r.tag.startsWith('(GGGG')) : undefined)
  );
}

/** Identifying under the standard with these option columns enabled: listed, and no enabled option says K. */
export function isIdentifyingTag(tag: number, enabled: readonly StandardOptionColumn[] = []): boolean {
  const row = standardRowFor(tag);
  if (!row) return false;
  return !enabled.some((c) => row[c] === 'K');
}
