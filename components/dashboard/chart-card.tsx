import type { ReactNode } from 'react';

/** One chart of the dashboard with its title, or the empty state saying what will appear there. */
export function ChartCard({ id, title, empty, emptyText, children }: { id: string; title: string; empty: boolean; emptyText: string; children: ReactNode }) {
  return (
    <section className="chart-card" data-testid={`chart-${id}`} aria-label={title}>
      <h2>{title}</h2>
      {empty ? (
        <p className="muted" data-testid="chart-empty">
          {emptyText}
        </p>
      ) : (
        children
      )}
    </section>
  );
}
