import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STANDARD_OPTION_COLUMNS, STANDARD_ROWS, type StandardOptionColumn } from '@/test/deid-standard';
import { DEID_TABLE, type DeidOption, type DeidTableRow } from './deid-table.generated';
import { tableRowFor } from './deid-rules';
import { FIXTURES } from './test-fixtures';

/**
 * The generated table, row by row, against PS3.15 Table E.1-1 as the standard's snapshot states it:
 * the same rows (no more, no fewer), each with the standard's tag, name, basic-profile action and
 * every option column's action. A wrong "keep" or a dropped row fails here, before any leak test.
 */
// written down here, not imported from the generator: the standard's column → segflow's option name
const OPTION_OF: Record<StandardOptionColumn, DeidOption> = {
  rtnSafePrivOpt: 'retainSafePrivate',
  rtnUIDsOpt: 'retainUids',
  rtnDevIdOpt: 'retainDeviceIdentity',
  rtnInstIdOpt: 'retainInstitutionIdentity',
  rtnPatCharsOpt: 'retainPatientCharacteristics',
  rtnLongFullDatesOpt: 'retainLongitudinalFullDates',
  rtnLongModifDatesOpt: 'retainLongitudinalModifiedDates',
  cleanDescOpt: 'cleanDescriptors',
  cleanStructContOpt: 'cleanStructuredContent',
  cleanGraphOpt: 'cleanGraphics',
};

const attributes = new Map(
  (
    JSON.parse(readFileSync(`${FIXTURES}deid-standard/innolitics/attributes.json`, 'utf8')) as { tag: string; keyword: string; valueRepresentation: string }[]
  ).map((a) => [a.tag, a]),
);

/** The tag pattern a generated row covers, written as the standard writes it. */
function patternOf(row: DeidTableRow): string {
  const hex = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
  if (row.match.kind === 'private') return '(GGGG,EEEE) WHERE GGGG IS ODD';
  if (row.match.kind === 'exact') {
    const h = hex(row.match.tag);
    return `(${h.slice(0, 4)},${h.slice(4)})`;
  }
  const mask = hex(row.match.mask);
  const value = hex(row.match.value);
  const digits = [...value].map((d, i) => (mask[i] === '0' ? 'X' : d)).join('');
  return `(${digits.slice(0, 4)},${digits.slice(4)})`;
}

describe('deid-table.generated.ts against PS3.15 Table E.1-1 (fixtures/deid-standard)', () => {
  const generated = new Map<string, DeidTableRow[]>();
  for (const row of DEID_TABLE) generated.set(patternOf(row), [...(generated.get(patternOf(row)) ?? []), row]);

  it('has exactly the standard rows, once each', () => {
    expect(DEID_TABLE.length).toBe(STANDARD_ROWS.length);
    expect([...generated].filter(([, rows]) => rows.length > 1).map(([tag]) => tag)).toEqual([]);
    expect(STANDARD_ROWS.map((r) => r.tag).filter((t) => !generated.has(t))).toEqual([]);
  });

  it('gives every row the standard name, basic-profile action and option actions', () => {
    const wrong: string[] = [];
    for (const std of STANDARD_ROWS) {
      const row = generated.get(std.tag)?.[0];
      if (!row) continue;
      if (row.name !== std.name) wrong.push(`${std.tag}: name "${row.name}", standard "${std.name}"`);
      if (row.basic !== std.basicProfile) wrong.push(`${std.tag} ${std.name}: basic ${row.basic}, standard ${std.basicProfile}`);
      for (const column of STANDARD_OPTION_COLUMNS) {
        const want = std[column];
        const got = row.options[OPTION_OF[column]];
        if (want !== got) wrong.push(`${std.tag} ${std.name}: ${OPTION_OF[column]} ${got ?? '-'}, standard ${want ?? '-'}`);
      }
      const extra = Object.keys(row.options).filter((o) => !Object.values(OPTION_OF).includes(o as DeidOption));
      if (extra.length) wrong.push(`${std.tag}: options the standard does not have: ${extra.join(', ')}`);
      const attr = attributes.get(std.tag);
      if ((row.keyword ?? '') !== (attr?.keyword ?? '') || (row.vr ?? '') !== (attr?.valueRepresentation ?? '')) {
        wrong.push(`${std.tag}: keyword/VR ${row.keyword}/${row.vr}, dictionary ${attr?.keyword}/${attr?.valueRepresentation}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the de-identifier finds the standard row for tags inside each pattern', () => {
    const wrong: string[] = [];
    // private elements (odd groups) are handled by their own path (the safe-private list), which the leak test covers
    for (const std of STANDARD_ROWS.filter((r) => !r.tag.startsWith('(GGGG'))) {
      const digits = [std.tag.replace(/[(),]/g, '').replace(/X/g, '0'), std.tag.replace(/[(),]/g, '').replace(/X/g, 'F')];
      for (const d of digits) {
        const tag = parseInt(d, 16);
        // an exact row inside a pattern's range wins over the pattern (as in the standard)
        const exact = STANDARD_ROWS.find((r) => r.tag === `(${d.slice(0, 4)},${d.slice(4)})`);
        const want = (exact ?? std).name;
        const got = tableRowFor(tag)?.name;
        if (got !== want) wrong.push(`${d}: row "${got}", standard "${want}"`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
