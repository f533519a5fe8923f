/** "1 case", "3 cases": a count with its noun (`many` when the plural is not `one` + "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
