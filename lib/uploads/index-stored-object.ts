import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { projects, series, storedObjects } from '@/db/schema';
import type { Tx } from '../db';
import { readDicomHeader, type DicomHeader } from '../imaging/dicom/read-dicom-header';
import { slicePositionAlongNormal, sliceSpacingOf } from '../imaging/dicom/series-to-volume-geometry';
import { readNiftiHeader } from '../imaging/nifti/read-nifti-header';
import { AppError } from '../errors';
import { detectFileKind, notImagingMessage } from './detect-file-kind';
import { recordIdentity } from './record-identity';

export interface IndexInput {
  projectId: string;
  studyId: string;
  fileName: string;
  key: string;
  versionId: string | null;
  size: number;
  sha256: string;
  head: Uint8Array;
}

/**
 * SeriesDescription as the project's de-identification writes it, so the study page shows no more than
 * derived/ holds: removed under the basic profile (Table E.1-1: X), cleaned under Clean Descriptors.
 */
async function deidentifiedDescription(tx: Tx, projectId: string, h: DicomHeader): Promise<string | null> {
  const [project] = await tx.select({ options: projects.deidOptions }).from(projects).where(eq(projects.id, projectId));
  return project?.options.cleanDescriptors === true ? (h.cleanedSeriesDescription ?? null) : null;
}

/** Slice spacing as the header states it, for a series without two slice positions: SpacingBetweenSlices, else SliceThickness. */
function fallbackSliceSpacing(h: DicomHeader): number | undefined {
  // some scanners write a negative SpacingBetweenSlices (the direction of the stack): a spacing is its size
  const between = h.spacingBetweenSlices ? Math.abs(h.spacingBetweenSlices) : undefined;
  return between || (h.sliceThickness && h.sliceThickness > 0 ? h.sliceThickness : undefined);
}

function slicePositionOf(h: DicomHeader): number | null {
  return h.imagePositionPatient && h.imageOrientationPatient ? slicePositionAlongNormal(h.imagePositionPatient, h.imageOrientationPatient) : null;
}

/**
 * The series' slice spacing, measured as the DICOM→NIfTI conversion does: the distance between its
 * instances' positions along the slice normal (not SliceThickness, which may be less than the step:
 * 5 mm slices 6.5 mm apart). Measured again as each instance comes (the series row is locked by
 * this transaction's upsert, so instances indexed at once take turns); the header's own value until
 * two positions are known.
 */
async function measureSliceSpacing(tx: Tx, seriesId: string, h: DicomHeader): Promise<void> {
  if (!h.pixelSpacing) return;
  const rows = await tx
    .select({ at: storedObjects.slicePosition })
    .from(storedObjects)
    .where(and(eq(storedObjects.seriesId, seriesId), isNotNull(storedObjects.slicePosition)));
  const step = sliceSpacingOf(rows.map((r) => r.at!));
  if (step === undefined) return;
  await tx
    .update(series)
    .set({ spacing: [...h.pixelSpacing, step] })
    .where(eq(series.id, seriesId));
}

/**
 * Parses a verified object's header (DICOM without pixel data, or NIfTI) and records it: the stored
 * object, its series (DICOM instances grouped by SeriesInstanceUID; one NIfTI file is one volume)
 * and, for DICOM, the identity tables. Throws AppError (malformed_file) with a message for the user.
 */
export async function indexStoredObject(tx: Tx, p: IndexInput): Promise<{ objectId: string; seriesId: string }> {
  const kind = detectFileKind(p.head, p.fileName);
  let seriesId: string;
  let dicomHeader: DicomHeader | undefined;
  if (kind === 'dicom') {
    // the head is the object's first 16 MiB: its pixel data may go on past it, up to the verified size
    const h = readDicomHeader(p.head, p.fileName, { fileSize: p.size });
    dicomHeader = h;
    await recordIdentity(tx, { projectId: p.projectId, studyId: p.studyId, studyInstanceUid: h.studyInstanceUid, identity: h.identity, fileName: p.fileName });
    const stated = fallbackSliceSpacing(h);
    const spacing = h.pixelSpacing ? [...h.pixelSpacing, ...(stated ? [stated] : [])] : null;
    const [row] = await tx
      .insert(series)
      .values({
        projectId: p.projectId,
        studyId: p.studyId,
        kind: 'dicom',
        seriesInstanceUid: h.seriesInstanceUid,
        modality: h.modality ?? null,
        description: await deidentifiedDescription(tx, p.projectId, h),
        instances: h.numberOfFrames > 1 ? h.numberOfFrames : 1,
        rows: h.rows ?? null,
        columns: h.columns ?? null,
        spacing,
      })
      .onConflictDoUpdate({
        target: [series.studyId, series.seriesInstanceUid],
        set: { instances: sql`${series.instances} + ${h.numberOfFrames > 1 ? h.numberOfFrames : 1}` },
      })
      .returning({ id: series.id });
    seriesId = row.id;
  } else if (kind === 'nifti') {
    const h = readNiftiHeader(p.head, p.fileName);
    const [row] = await tx
      .insert(series)
      .values({
        projectId: p.projectId,
        studyId: p.studyId,
        kind: 'nifti',
        modality: null,
        description: 'NIfTI volume',
        instances: 1,
        dims: [...h.dims],
        spacing: [...h.spacing],
      })
      .returning({ id: series.id });
    seriesId = row.id;
  } else {
    throw new AppError('unsupported', notImagingMessage(p.fileName), { file: p.fileName });
  }
  const [obj] = await tx
    .insert(storedObjects)
    .values({
      projectId: p.projectId,
      studyId: p.studyId,
      seriesId,
      key: p.key,
      versionId: p.versionId,
      size: p.size,
      sha256: p.sha256,
      class: 'phi',
      contentType: kind === 'dicom' ? 'application/dicom' : 'application/octet-stream',
      slicePosition: dicomHeader ? slicePositionOf(dicomHeader) : null,
    })
    .returning({ id: storedObjects.id });
  if (dicomHeader) await measureSliceSpacing(tx, seriesId, dicomHeader);
  return { objectId: obj.id, seriesId };
}
