import { unzip } from 'fflate';
import { blobSource, type UploadSource } from '@/lib/uploads/client/upload-source';

function unzipAsync(bytes: Uint8Array): Promise<Record<string, Uint8Array>> {
  return new Promise((resolve, reject) => unzip(bytes, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Browser files to upload sources: a .zip of a series becomes its entries; folders keep their paths. */
export async function expandFiles(files: File[]): Promise<UploadSource[]> {
  const out: UploadSource[] = [];
  for (const f of files) {
    const name = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    if (f.name.startsWith('.')) continue;
    if (f.name.toLowerCase().endsWith('.zip')) {
      const entries = await unzipAsync(new Uint8Array(await f.arrayBuffer()));
      for (const [entry, bytes] of Object.entries(entries).sort()) {
        if (entry.endsWith('/') || entry.split('/').pop()!.startsWith('.')) continue;
        out.push(blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), `${f.name}/${entry}`, f.lastModified));
      }
    } else {
      out.push({ ...blobSource(f, name, f.lastModified), name });
    }
  }
  return out;
}
