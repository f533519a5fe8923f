import { openAsBlob, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import { blobSource, type UploadSource } from '../client/upload-source';

/** Files to upload from paths: directories walked (hidden files skipped), .zip archives expanded. */
export async function collectSources(paths: string[]): Promise<UploadSource[]> {
  const out: UploadSource[] = [];
  const visit = async (path: string, root: string) => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (!name.startsWith('.')) await visit(join(path, name), root);
      return;
    }
    const name = relative(root, path) || basename(path);
    if (path.toLowerCase().endsWith('.zip')) {
      const entries = unzipSync(new Uint8Array(readFileSync(path)));
      for (const [entry, bytes] of Object.entries(entries).sort()) {
        if (entry.endsWith('/') || basename(entry).startsWith('.')) continue;
        out.push(blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), `${basename(path)}/${entry}`, st.mtimeMs));
      }
      return;
    }
    // openAsBlob reads lazily: a multi-GiB file is never held in memory
    out.push(blobSource(await openAsBlob(path), name, Math.floor(st.mtimeMs)));
  };
  for (const p of paths) {
    const st = statSync(p);
    await visit(p, st.isDirectory() ? p : join(p, '..'));
  }
  return out;
}
