'use client';
import Link from 'next/link';
import { type DragEvent, useCallback, useEffect, useState } from 'react';
import { xhrPut } from '@/lib/uploads/client/put-bytes';
import { localStorageResumeStore } from '@/lib/uploads/client/resume-store';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { plural } from '@/lib/util/plural';
import { expandFiles, type NotAdded } from './expand-files';
import { FileTable } from './file-table';
import { useUploadEngine } from './use-upload-engine';
import { workerHasher } from './worker-hasher';

const MiB = 1024 * 1024;

function newEngine(project: string, study?: string): UploadEngine {
  return new UploadEngine({
    api: new UploadApi({ baseUrl: '' }),
    project,
    study,
    store: localStorageResumeStore(window.localStorage),
    putBytes: xhrPut,
    hasher: workerHasher,
  });
}

/**
 * Drop files, a folder or a .zip; each goes straight to storage; a reload resumes with the same files.
 * The engine needs the browser's localStorage: it is made after hydration, so the server's HTML and
 * the browser's first render are the same (a line saying it is getting ready).
 */
export function UploadPanel({ project, study }: { project: string; study?: string }) {
  const [ready, setReady] = useState<{ engine: UploadEngine; resumable: number } | null>(null);
  const start = useCallback(() => {
    const engine = newEngine(project, study);
    const pending = engine.pending();
    setReady({ engine, resumable: pending ? Object.keys(pending.files).length : 0 });
  }, [project, study]);
  useEffect(start, [start]);
  if (!ready) return <p className="muted">Getting the upload ready…</p>;
  return <Panel engine={ready.engine} project={project} resumable={ready.resumable} reset={start} />;
}

function Panel({ engine, project, resumable, reset }: { engine: UploadEngine; project: string; resumable: number; reset: () => void }) {
  const s = useUploadEngine(engine);
  const [dragging, setDragging] = useState(false);
  const [notAdded, setNotAdded] = useState<NotAdded[]>([]);
  const start = async (files: File[]) => {
    if (!files.length) return;
    const { sources, notAdded: refused } = await expandFiles(files);
    setNotAdded(refused);
    if (!sources.length) return;
    engine.add(sources);
    if (!engine.getSnapshot().running) await engine.run().catch(() => {});
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void start([...e.dataTransfer.files]);
  };
  const frac = s.totalBytes ? s.sentBytes / s.totalBytes : 0;
  return (
    <section aria-label="Upload">
      {resumable > 0 && !s.running && !s.summary ? (
        <p role="status" data-testid="resume-banner">
          An unfinished upload ({resumable} file{resumable > 1 ? 's' : ''}) can be resumed: add the same files again and only what is missing is sent.
        </p>
      ) : null}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file inputs inside it are the keyboard path */}
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop DICOM files, a folder, a .zip of a series, or NIfTI volumes here.</p>
        <label>
          Files <input type="file" multiple onChange={(e) => void start([...(e.target.files ?? [])])} />
        </label>{' '}
        <label>
          Folder <input type="file" multiple {...{ webkitdirectory: '' }} onChange={(e) => void start([...(e.target.files ?? [])])} />
        </label>
      </div>
      {notAdded.length > 0 ? (
        <ul className="error" role="alert" data-testid="not-added">
          {notAdded.map((n) => (
            <li key={n.name}>
              <span className="file-name">{n.name}</span>: {n.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {s.files.length > 0 ? (
        <>
          <p data-testid="upload-total">
            {s.summary ? (
              // finished: not the last rate sample's "99 % … 1 s left"
              <>
                <progress max={1} value={1} /> 100% · {(s.totalBytes / MiB).toFixed(1)} MiB sent
              </>
            ) : (
              <>
                <progress max={1} value={frac} /> {Math.floor(frac * 100)}% · {(s.sentBytes / MiB).toFixed(1)} of {(s.totalBytes / MiB).toFixed(1)} MiB ·{' '}
                {(s.bytesPerSecond / MiB).toFixed(1)} MiB/s · {s.etaSeconds == null ? '—' : `${Math.ceil(s.etaSeconds)} s left`}
              </>
            )}
          </p>
          <p>
            {s.running && !s.paused ? (
              <button type="button" onClick={() => engine.pause()}>
                Pause
              </button>
            ) : null}
            {s.running && s.paused ? (
              <button type="button" onClick={() => engine.resume()}>
                Resume
              </button>
            ) : null}
            {s.running ? (
              <button type="button" onClick={() => void engine.cancel()}>
                Cancel
              </button>
            ) : null}
            {!s.running && (s.summary || s.error) ? (
              <button type="button" onClick={reset}>
                New upload
              </button>
            ) : null}
          </p>
          <FileTable files={s.files} />
        </>
      ) : null}
      {s.error ? <p role="alert">{s.error}</p> : null}
      {s.summary ? (
        <p data-testid="upload-done">
          {/* the study as it now is (files added to an existing study join what it held), and this upload's refusals */}
          Done: the study holds {plural(s.summary.series.length, 'series', 'series')} and {plural(s.summary.volumes.length, 'volume')}
          {s.summary.rejected.length ? `; ${plural(s.summary.rejected.length, 'file')} of this upload rejected` : ''}.{' '}
          {s.summary.study ? (
            <Link href={`/studies/${s.summary.study}?project=${project}`}>Open study {s.summary.label}</Link>
          ) : (
            'Nothing was added, so no study was created.'
          )}
        </p>
      ) : null}
    </section>
  );
}
