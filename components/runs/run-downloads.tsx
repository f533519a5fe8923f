'use client';
import { useState } from 'react';
import { useRunOutputs } from './use-run-outputs';

function size(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

/**
 * Download links for a finished run's results (mask, SEG, volumes, manifest; shadow outputs for
 * operators), fetched on request: each link lives 5 minutes and each request is audited.
 */
export function RunDownloads({ runId }: { runId: string }) {
  const [asked, setAsked] = useState(false);
  const q = useRunOutputs(runId, asked);
  return (
    <div className="card" data-testid="run-downloads">
      {!asked || q.isPending ? (
        <button type="button" disabled={asked} onClick={() => setAsked(true)}>
          {asked ? 'Getting links…' : 'Get download links'}
        </button>
      ) : q.error ? (
        <span className="error">{q.error.message}</span>
      ) : q.data.length === 0 ? (
        <span className="muted">no results to download</span>
      ) : (
        <>
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {q.data.map((o) => (
              <li key={o.file}>
                <a href={o.url} download={o.file} data-testid={`download-${o.file}`}>
                  {o.file}
                </a>{' '}
                <span className="muted">
                  {o.what} · {size(o.size)}
                </span>
              </li>
            ))}
          </ul>
          <p className="muted" style={{ margin: '6px 0 0' }}>
            Links work for 5 minutes. <code>segflow runs download {runId.slice(0, 8)}… --out results/</code> fetches them all and checks each against the
            manifest.
          </p>
        </>
      )}
    </div>
  );
}
