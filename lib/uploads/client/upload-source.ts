/** What the engine uploads: a named run of bytes it can read in slices (a browser File, a Node file). */
export interface UploadSource {
  name: string;
  size: number;
  lastModified: number;
  slice(start: number, end: number): Promise<Uint8Array>;
  /** the underlying Blob, when there is one (a web worker can read it without a copy) */
  blob?: Blob;
}

export function blobSource(blob: Blob, name: string, lastModified = 0): UploadSource {
  return {
    name,
    size: blob.size,
    lastModified: (blob as File).lastModified ?? lastModified,
    blob,
    slice: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  };
}

/** Identifies a file across a reload without reading it: name, size and modification time. */
export function fingerprint(s: Pick<UploadSource, 'name' | 'size' | 'lastModified'>): string {
  return `${s.name}|${s.size}|${s.lastModified}`;
}
