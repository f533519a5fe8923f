/**
 * Which Table E.1-1 action applies to a tag under a project's options. Options with a K (keep) win
 * over options with a C (clean), which win over the basic profile: this is how PS3.15 E.3 composes
 * options, each one relaxing the basic profile for the attributes it lists.
 */
import { DEID_TABLE, type BasicAction, type DeidOption, type DeidTableRow } from './deid-table.generated';

export type ResolvedAction = { action: BasicAction | 'K'; row: DeidTableRow } | { action: 'C'; row: DeidTableRow; option: DeidOption };

const exactRows = new Map<number, DeidTableRow>();
const maskRows: { mask: number; value: number; row: DeidTableRow }[] = [];
for (const row of DEID_TABLE) {
  if (row.match.kind === 'exact') exactRows.set(row.match.tag, row);
  else if (row.match.kind === 'mask') maskRows.push({ mask: row.match.mask, value: row.match.value, row });
}

export function tableRowFor(tag: number): DeidTableRow | undefined {
  const exact = exactRows.get(tag);
  if (exact) return exact;
  for (const m of maskRows) if ((tag & m.mask) >>> 0 === m.value) return m.row;
  return undefined;
}

export function resolveAction(tag: number, enabled: readonly DeidOption[]): ResolvedAction | undefined {
  const row = tableRowFor(tag);
  if (!row) return undefined;
  let clean: DeidOption | undefined;
  for (const option of enabled) {
    const a = row.options[option];
    if (a === 'K') return { action: 'K', row };
    if (a === 'C' && !clean) clean = option;
  }
  if (clean) return { action: 'C', row, option: clean };
  return { action: row.basic, row };
}

/**
 * Combined actions (X/Z, X/D, Z/D, X/Z/D) depend on the attribute's Type in the IOD, which a
 * generic de-identifier does not know. We take the weakest action that is valid for every Type:
 * X/Z → Z (an empty value is valid for Type 2 and 3), anything offering D → D (a dummy value is
 * valid for Type 1 too), except that an input value that is already empty stays empty.
 * Either way no original value survives, and the output stays valid for every IOD.
 */
export function chooseCombined(action: BasicAction, valueIsEmpty: boolean): 'X' | 'Z' | 'D' | 'U' | 'U*' {
  switch (action) {
    case 'X':
    case 'Z':
    case 'D':
    case 'U':
      return action;
    case 'X/Z':
      return 'Z';
    case 'X/D':
    case 'Z/D':
    case 'X/Z/D':
      return valueIsEmpty ? 'Z' : 'D';
    case 'X/Z/U*':
      return 'U*';
  }
}
