/**
 * Read the per-slice attributes needed to build volumes, and group instances into series
 * (SeriesInstanceUID, then image orientation: one UID can hold e.g. a localizer's three planes).
 */
import dcmjs from 'dcmjs';
import { AppError } from '../../errors';
import { guardParse } from './guard-parse';
import { parseDicomFile } from './parse-dicom-file';

export interface DicomFile {
  name: string;
  bytes: Uint8Array;
}

export interface DicomSlice {
  name: string;
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  seriesDescription: string;
  modality: string;
  transferSyntax: string;
  /** row direction cosines (along a row, i.e. increasing column) then column direction cosines */
  orientation: number[] | undefined;
  position: number[] | undefined;
  /** [row spacing (between rows), column spacing (between columns)] as in PixelSpacing */
  pixelSpacing: [number, number] | undefined;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometric: string;
  numberOfFrames: number;
  slope: number;
  intercept: number;
  instanceNumber: number;
  /** encapsulated: one buffer per frame; native: one buffer holding all frames */
  pixelData: ArrayBuffer[] | undefined;
  /** the whole naturalized dcmjs dataset, for callers that copy patient/study attributes (SEG) */
  dataset: Record<string, unknown>;
}

export interface SeriesGroup {
  seriesInstanceUid: string;
  orientation: number[] | undefined;
  slices: DicomSlice[];
}

type Dataset = Record<string, unknown>;
const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
// dcmjs's loglevel logger (not in the shared dcmjs.d.ts).
interface Logger {
  getLevel(): number;
  setLevel(l: number | string): void;
  getLogger?(name: string): Logger;
}
const dcmjsLog = (dcmjs as unknown as { log?: Logger }).log;
const loggers = [dcmjsLog, dcmjsLog?.getLogger?.('validation.dcmjs')].filter((l): l is Logger => l !== undefined);

/** dcmjs logs (as errors) minor VR quirks that real archives have; real failures still throw. */
export function withQuietDcmjs<T>(fn: () => T): T {
  const levels = loggers.map((l) => l.getLevel());
  loggers.forEach((l) => {
    l.setLevel('silent');
  });
  try {
    return fn();
  } finally {
    loggers.forEach((l, i) => {
      l.setLevel(levels[i]);
    });
  }
}

export function readSlice(file: DicomFile): DicomSlice {
  let ds: Dataset;
  let meta: Dataset;
  // segflow's own walker first: every bound it reads is checked, and it names what is wrong in
  // DICOM terms (an element's length past the end of the file, a broken sequence…), where dcmjs
  // would answer with its own internals ("Request more than currently allocated buffer")
  guardParse(file.name, () => parseDicomFile(file.bytes, file.name));
  try {
    const ab = file.bytes.buffer.slice(file.bytes.byteOffset, file.bytes.byteOffset + file.bytes.byteLength) as ArrayBuffer;
    const read = withQuietDcmjs(() => {
      const dict = DicomMessage.readFile(ab);
      return [DicomMetaDictionary.naturalizeDataset(dict.dict), DicomMetaDictionary.naturalizeDataset(dict.meta)];
    });
    ds = read[0] as Dataset;
    meta = read[1] as Dataset;
  } catch {
    // dcmjs's message describes its own code, not the file: never shown
    throw new AppError('malformed_file', `${file.name}: not a readable DICOM file (its data set or file meta information is damaged)`, {
      file: file.name,
    });
  }
  const str = (k: string) => (ds[k] === undefined || ds[k] === null ? '' : String(ds[k]));
  const num = (k: string, dflt: number) => {
    const v = Number(Array.isArray(ds[k]) ? (ds[k] as unknown[])[0] : ds[k]);
    return ds[k] === undefined || ds[k] === '' || !Number.isFinite(v) ? dflt : v;
  };
  const nums = (k: string, n: number): number[] | undefined => {
    const v = ds[k];
    const arr = (Array.isArray(v) ? v : typeof v === 'string' ? v.split('\\') : v === undefined ? [] : [v]).map(Number);
    return arr.length === n && arr.every(Number.isFinite) ? arr : undefined;
  };
  const spacing = nums('PixelSpacing', 2);
  const pd = ds.PixelData;
  checkPixelDataComplete(file);
  return {
    name: file.name,
    sopInstanceUid: str('SOPInstanceUID'),
    sopClassUid: str('SOPClassUID'),
    seriesInstanceUid: str('SeriesInstanceUID'),
    studyInstanceUid: str('StudyInstanceUID'),
    frameOfReferenceUid: str('FrameOfReferenceUID'),
    seriesDescription: str('SeriesDescription'),
    modality: str('Modality'),
    transferSyntax: String(meta.TransferSyntaxUID ?? '1.2.840.10008.1.2'),
    orientation: nums('ImageOrientationPatient', 6),
    position: nums('ImagePositionPatient', 3),
    pixelSpacing: spacing ? [spacing[0], spacing[1]] : undefined,
    rows: num('Rows', 0),
    columns: num('Columns', 0),
    bitsAllocated: num('BitsAllocated', 0),
    bitsStored: num('BitsStored', num('BitsAllocated', 0)),
    pixelRepresentation: num('PixelRepresentation', 0),
    samplesPerPixel: num('SamplesPerPixel', 1),
    photometric: str('PhotometricInterpretation'),
    numberOfFrames: num('NumberOfFrames', 1),
    slope: num('RescaleSlope', 1),
    intercept: num('RescaleIntercept', 0),
    instanceNumber: num('InstanceNumber', 0),
    pixelData: Array.isArray(pd) ? (pd as ArrayBuffer[]) : undefined,
    dataset: ds,
  };
}

/** Orientations closer than this (direction cosines) count as the same plane. */
const ORIENTATION_TOLERANCE = 1e-3;

export function sameOrientation(a: number[] | undefined, b: number[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.every((v, i) => Math.abs(v - b[i]) < ORIENTATION_TOLERANCE);
}

export function groupSeries(files: DicomFile[]): SeriesGroup[] {
  return groupSlices(files.map(readSlice));
}

export function groupSlices(slices: DicomSlice[]): SeriesGroup[] {
  const groups: SeriesGroup[] = [];
  for (const s of slices) {
    const g = groups.find((x) => x.seriesInstanceUid === s.seriesInstanceUid && sameOrientation(x.orientation, s.orientation));
    if (g) g.slices.push(s);
    else groups.push({ seriesInstanceUid: s.seriesInstanceUid, orientation: s.orientation, slices: [s] });
  }
  return groups;
}

/**
 * dcmjs hands back a full-length PixelData even when the file ends early, so check the declared
 * length of the (last) Pixel Data element against the bytes actually present.
 */
function checkPixelDataComplete(file: DicomFile): void {
  const b = file.bytes;
  for (let i = b.length - 8; i >= 132; i--) {
    if (b[i] !== 0xe0 || b[i + 1] !== 0x7f || b[i + 2] !== 0x10 || b[i + 3] !== 0x00) continue;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const vr = String.fromCharCode(b[i + 4], b[i + 5]);
    const explicit = vr === 'OW' || vr === 'OB';
    const lenAt = explicit ? i + 8 : i + 4;
    if (lenAt + 4 > b.length) break;
    const len = view.getUint32(lenAt, true);
    if (len !== 0xffffffff && lenAt + 4 + len > b.length) {
      throw new AppError('malformed_file', `${file.name}: truncated: Pixel Data declares ${len} bytes, only ${b.length - lenAt - 4} present`, {
        file: file.name,
      });
    }
    return;
  }
}
