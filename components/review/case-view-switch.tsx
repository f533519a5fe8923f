import Link from 'next/link';

export type CaseView = 'diff' | 'masks';

/** The two ways to look at a case: its difference image (diff mode) or the two masks side by side; a link each, kept in the URL. */
export function CaseViewSwitch({ basePath, view, query }: { basePath: string; view: CaseView; query?: Record<string, string> }) {
  const href = (v: CaseView) => `${basePath}?${new URLSearchParams({ ...query, view: v }).toString()}`;
  return (
    <nav aria-label="View" className="inline" style={{ display: 'flex', gap: 12, marginBottom: 8 }}>
      {(
        [
          ['diff', 'Differences (diff mode)'],
          ['masks', 'Masks side by side'],
        ] as const
      ).map(([v, label]) =>
        v === view ? (
          <strong key={v} aria-current="page">
            {label}
          </strong>
        ) : (
          <Link key={v} href={href(v)}>
            {label}
          </Link>
        ),
      )}
    </nav>
  );
}
