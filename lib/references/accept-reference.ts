import { gzipSync } from 'node:zlib';
import { and, asc, eq, sql } from 'drizzle-orm';
import { projects, runs, series, storedObjects, studyReferences, type StudyReference } from '@/db/schema';
import type { Tx } from '../db';
import { AppError } from '../errors';
import { deidentifyInstance, type DeidentifyOptions } from '../imaging/dicom/deidentify-instance';
import type { DicomFile } from '../imaging/dicom/group-series';
import { readSlice } from '../imaging/dicom/group-series';
import { sameAffine } from '../imaging/nifti/mat4';
import { readNifti } from '../imaging/nifti/read-nifti';
import { readNiftiHeader } from '../imaging/nifti/read-nifti-header';
import { writeNifti } from '../imaging/nifti/write-nifti';
import { readSeg } from '../imaging/seg/read-seg';
import { readSourceGeometry } from '../imaging/seg/source-geometry';
import type { Mat4, Volume } from '../imaging/volume';
import { derivedKey } from '../storage/keys';
import { getObjectBytes, putObject } from '../storage/objects';
import { detectFileKind, notImagingMessage } from '../uploads/detect-file-kind';
import { compareRunWithReferences } from './compare-run-with-references';
import { segReferencedInstances } from './seg-referenced-instances';

export interface AcceptInput {
  reference: StudyReference;
  fileName: string;
  key: string;
  versionId: string | null;
  size: number;
  sha256: string;
  head: Uint8Array;
}

/** derived/<project>/<study>/references/<reference>/labelmap.nii.gz: the de-identified reference the runs are compared with */
export function referenceLabelmapKey(r: Pick<StudyReference, 'projectId' | 'studyId' | 'id'>): string {
  return derivedKey({ projectId: r.projectId, studyId: r.studyId, path: ['references', r.id, 'labelmap.nii.gz'] });
}

/**
 * A reference segmentation's file, verified like any upload, is checked against its series and
 * de-identified before anything is derived from it:
 * - DICOM SEG: de-identified with the project's options and secret (the same UID mapping as the
 *   de-identify step, so its references match the stored series' de-identified UIDs); every
 *   instance it references must be one of the series'; read onto the series' grid.
 * - NIfTI labelmap: must be on the volume's grid (dims and affine); written anew (no header text).
 * The raw upload is recorded as PHI (raw-phi/, like any upload), the labelmap goes to derived/.
 * Throws AppError naming the file and the problem; the upload then rejects the file.
 */
export async function acceptReference(tx: Tx, p: AcceptInput): Promise<{ objectId: string }> {
  const ref = p.reference;
  const fail = (problem: string) => new AppError('invalid_input', `${p.fileName}: ${problem}`, { file: p.fileName });
  const [target] = await tx.select().from(series).where(eq(series.id, ref.seriesId));
  const [project] = await tx.select({ secret: projects.deidSecret, options: projects.deidOptions }).from(projects).where(eq(projects.id, ref.projectId));
  if (!target || !project) throw new AppError('not_found', `series ${ref.seriesId} of the reference no longer exists`);
  const sources = await tx
    .select({ key: storedObjects.key, versionId: storedObjects.versionId })
    .from(storedObjects)
    .where(and(eq(storedObjects.seriesId, target.id), eq(storedObjects.class, 'phi')))
    .orderBy(asc(storedObjects.key));
  const rawSource = await Promise.all(
    sources.map(async (o, i) => ({ name: `instance ${i + 1}`, bytes: await getObjectBytes({ key: o.key, versionId: o.versionId }) })),
  );
  const kind = detectFileKind(p.head, p.fileName);
  const bytes = p.size <= p.head.byteLength ? p.head : await getObjectBytes({ key: p.key, versionId: p.versionId });

  let labelmap: Volume<Uint8Array>;
  let labels: { value: number; name: string }[];
  let format: 'seg' | 'nifti';
  if (kind === 'dicom') {
    if (target.kind !== 'dicom') throw fail('a DICOM SEG can reference a DICOM series only; this target is a NIfTI volume (attach a NIfTI labelmap)');
    const options: DeidentifyOptions = { ...(project.options as Partial<DeidentifyOptions>), secret: project.secret, allowBurnedIn: true };
    const deid = (file: DicomFile) => {
      const out = deidentifyInstance(file.bytes, file.name, options);
      if (out.status !== 'written') throw fail(`could not be de-identified (${out.reason})`);
      return { name: file.name, bytes: out.bytes };
    };
    const seg = deid({ name: p.fileName, bytes });
    const source = rawSource.map(deid);
    const known = new Set(source.map((s) => readSlice(s).sopInstanceUid));
    const refs = segReferencedInstances(readSlice(seg).dataset as Record<string, unknown>);
    if (refs.sopInstanceUids.length === 0) throw fail('references no instances (ReferencedSeriesSequence and the frames’ source images are empty)');
    const unknown = refs.sopInstanceUids.filter((u) => !known.has(u));
    if (unknown.length > 0)
      throw fail(
        `references ${unknown.length} of its ${refs.sopInstanceUids.length} instance(s) that are not in the series it is attached to (${target.instances} instance(s)${target.description ? `, "${target.description}"` : ''})`,
      );
    const read = readSeg(seg.bytes, source, p.fileName);
    if (read.segments.length === 0) throw fail('has no segments');
    labelmap = toUint8(read.labelmap, fail);
    labels = read.segments.map((s) => ({ value: s.number, name: s.label || `Segment ${s.number}` }));
    format = 'seg';
  } else if (kind === 'nifti') {
    const volume = readNifti(bytes, p.fileName);
    const grid = target.kind === 'dicom' ? dicomGrid(rawSource) : niftiGrid(rawSource[0]?.bytes, p.fileName);
    checkGrid(volume, grid, fail);
    labelmap = toUint8(volume, fail);
    labels = [];
    format = 'nifti';
  } else {
    throw new AppError('unsupported', `${notImagingMessage(p.fileName)}; a reference is a DICOM SEG or a NIfTI labelmap`, { file: p.fileName });
  }
  if (!labelmap.data.some((v) => v !== 0)) throw fail('the segmentation is empty (no voxel is labelled)');

  const key = referenceLabelmapKey(ref);
  const written = await putObject({ key, body: gzipSync(writeNifti(labelmap), { level: 6 }), contentType: 'application/gzip' });
  await tx.insert(storedObjects).values({
    projectId: ref.projectId,
    studyId: ref.studyId,
    key,
    versionId: written.versionId,
    size: written.size,
    sha256: written.sha256,
    class: 'derived',
    contentType: 'application/gzip',
  });
  const [raw] = await tx
    .insert(storedObjects)
    .values({
      projectId: ref.projectId,
      studyId: ref.studyId,
      key: p.key,
      versionId: p.versionId,
      size: p.size,
      sha256: p.sha256,
      class: 'phi',
      contentType: kind === 'dicom' ? 'application/dicom' : 'application/octet-stream',
    })
    .returning({ id: storedObjects.id });
  const [ready] = await tx
    .update(studyReferences)
    .set({ format, labelmapKey: key, labels, readyAt: new Date() })
    .where(eq(studyReferences.id, ref.id))
    .returning();
  // runs of the series that finished before the reference arrived
  const done = await tx
    .select()
    .from(runs)
    .where(and(eq(runs.studyId, ref.studyId), eq(runs.status, 'succeeded'), sql`${runs.params}->>'seriesId' = ${ref.seriesId}`));
  for (const run of done) {
    // a run that cannot be compared (another grid) does not refuse the reference
    await tx
      .transaction((sp) => compareRunWithReferences(sp, run, { referenceId: ready.id }))
      .catch((err) => console.error('[segflow] reference', ready.id, 'against run', run.id, 'not compared:', err instanceof Error ? err.message : err));
  }
  return { objectId: raw.id };
}

interface Grid {
  dims: [number, number, number];
  affine: Mat4;
}

function dicomGrid(source: DicomFile[]): Grid {
  const geo = readSourceGeometry(source, 'of the reference');
  return { dims: [geo.columns, geo.rows, geo.sorted.length], affine: geo.affine };
}

function niftiGrid(bytes: Uint8Array | undefined, fileName: string): Grid {
  if (!bytes) throw new AppError('conflict', `${fileName}: the volume it is attached to has no stored file`);
  const h = readNiftiHeader(bytes, 'the volume');
  return { dims: h.dims, affine: h.affine };
}

function checkGrid(v: Volume, grid: Grid, fail: (problem: string) => AppError): void {
  if (v.dims.some((n, i) => n !== grid.dims[i]))
    throw fail(`is ${v.dims.join('×')} voxels, but the volume it is attached to is ${grid.dims.join('×')}; resample it onto the volume's grid`);
  if (!sameAffine(grid.dims, v.affine, grid.affine))
    throw fail("has the volume's size but not its position or spacing (the affines differ); resample it onto the volume's grid");
}

function toUint8(v: Volume, fail: (problem: string) => AppError): Volume<Uint8Array> {
  if (v.data instanceof Uint8Array) return v as Volume<Uint8Array>;
  const out = new Uint8Array(v.data.length);
  for (let i = 0; i < v.data.length; i++) {
    const x = Number(v.data[i]);
    if (!Number.isInteger(x) || x < 0 || x > 255) throw fail(`is not a labelmap: voxel ${i} is ${x} (labels are integers 0..255)`);
    out[i] = x;
  }
  return { ...v, data: out };
}
