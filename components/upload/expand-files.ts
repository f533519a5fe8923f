import { unzip } from 'fflate';
import { blobSource, type UploadSource } from '@/lib/uploads/client/upload-source';

function unzipAsync(bytes: Uint8Array): Promise<Record<string, Uint8Array>> {
  return new Promise((resolve, reject) => unzip(bytes, (err, out) => (err ? reject(err) : resolve(out))));
}

/** A file that was not added, and why, in the user's words. */
export interface NotAdded {
  name: string;
  reason: string;
}

/**
 * Browser files to upload sources: a .zip of a series becomes its entries; folders keep their paths.
 * A .zip that cannot be read is not added (the others are), with the reason.
 */
export async function expandFiles(files: File[]): Promise<{ sources: UploadSource[]; notAdded: NotAdded[] }> {
  const out: UploadSource[] = [];
  const notAdded: NotAdded[] = [];
  for (const f of files) {
    const name = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    if (f.name.startsWith('.')) continue;
    if (f.name.toLowerCase().endsWith('.zip')) {
      let entries: Record<string, Uint8Array>;
      try {
        entries = await unzipAsync(new Uint8Array(await f.arrayBuffer()));
      } catch (err) {
        notAdded.push({ name, reason: `not a readable .zip archive (${(err as Error).message}); nothing from it was added` });
        continue;
      }
      if (Object.keys(entries).length === 0) notAdded.push({ name, reason: 'the .zip archive is empty' });
      for (const [entry, bytes] of Object.entries(entries).sort()) {
        if (entry.endsWith('/') || entry.split('/').pop()!.startsWith('.')) continue;
        out.push(blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), `${f.name}/${entry}`, f.lastModified));
      }
    } else {
      out.push({ ...blobSource(f, name, f.lastModified), name });
    }
  }
  return { sources: out, notAdded };
}
