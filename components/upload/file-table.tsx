import type { FileProgress } from '@/lib/uploads/client/upload-engine';

const pct = (f: FileProgress) => (f.size ? Math.floor(((f.phase === 'hashing' ? f.hashed : f.sent) / f.size) * 100) : 100);

/** One row per file: its state, progress, and the reason when it was refused. */
export function FileTable({ files }: { files: FileProgress[] }) {
  return (
    <table aria-label="Files">
      <thead>
        <tr>
          <th>File</th>
          <th>State</th>
          <th>Progress</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.key} data-testid="upload-file" data-name={f.name} data-phase={f.phase} data-sent-parts={f.sentParts} data-resumed-parts={f.resumedParts}>
            <td className="mono file-name">{f.name}</td>
            <td>{f.phase}</td>
            <td>
              {/* a file refused before anything was sent has no progress to show (not 0 %, not 100 %) */}
              {f.phase === 'rejected' && !f.sent ? (
                '—'
              ) : (
                <>
                  <progress max={100} value={pct(f)} /> {pct(f)}%
                </>
              )}
            </td>
            <td role={f.error ? 'alert' : undefined}>{f.error ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
