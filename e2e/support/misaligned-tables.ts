import type { Page } from '@playwright/test';

/**
 * The tables of the page whose rows do not have a cell under each heading (counting colspans): one
 * line each, naming the table, e.g. "Series: 7 headings, rows of 6 cells". Empty when all align.
 */
export async function misalignedTables(page: Page): Promise<string[]> {
  const tables = await page.locator('main table').evaluateAll((all) =>
    all.map((t) => {
      const width = (cells: Element[]) => cells.reduce((n, c) => n + ((c as HTMLTableCellElement).colSpan || 1), 0);
      const head = t.querySelector('thead tr');
      return {
        table: t.getAttribute('aria-label') ?? t.querySelector('caption')?.textContent ?? 'a table',
        headings: head ? width([...head.children]) : null,
        rows: [...t.querySelectorAll('tbody tr')].map((r) => width([...r.children])),
      };
    }),
  );
  return tables
    .filter((t) => t.headings !== null && t.rows.some((cells) => cells !== t.headings))
    .map((t) => `${t.table}: ${t.headings} headings, rows of ${[...new Set(t.rows)].join(' or ')} cells`);
}
