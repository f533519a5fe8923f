/** Test support (not shipped in the app): fixture listing and tree walks over parsed DICOM. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DicomElement } from './parse-dataset';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/** Every *.dcm under a fixtures/ folder, sorted. */
export function dicomFiles(relDir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d)
      .sort()
      .flatMap((f) => {
        const p = join(d, f);
        return statSync(p).isDirectory() ? walk(p) : p.endsWith('.dcm') ? [p] : [];
      });
  return walk(join(FIXTURES, relDir));
}

/** Every element at every depth, with its parent chain of sequence tags. */
export function* allElements(elements: readonly DicomElement[], path: number[] = []): Generator<{ el: DicomElement; path: number[] }> {
  for (const el of elements) {
    yield { el, path };
    for (const item of el.items ?? []) yield* allElements(item.elements, [...path, el.tag]);
  }
}
