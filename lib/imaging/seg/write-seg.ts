/**
 * Labelmap → DICOM Segmentation (BINARY, one segment per label), referencing the (de-identified)
 * source instances frame by frame. Deterministic: UIDs derive from the source series and a hash of
 * the labelmap; dates come from the source study, never the clock.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../errors';
import type { DicomFile } from '../dicom/group-series';
import type { Volume } from '../volume';
import { rgbToDicomLab, writePart10 } from './dcmjs-writer';
import { deriveUid } from './derive-uid';
import { checkLabelmapOnSource, readSourceGeometry } from './source-geometry';

export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}
export interface SegLabel {
  value: number;
  name: string;
  color: [number, number, number];
  category?: Code;
  type?: Code;
}
export interface WriteSegInput {
  labelmap: Volume;
  source: DicomFile[];
  labels: SegLabel[];
  algorithmName?: string;
}

const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const TISSUE: Code = { value: '85756007', scheme: 'SCT', meaning: 'Tissue' };
const code = (c: Code) => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning });
const SEGMENT_DIM = 0x0062000b; // ReferencedSegmentNumber
const SEGMENT_GROUP = 0x0062000a; // SegmentIdentificationSequence
const POSITION_DIM = 0x00200032; // ImagePositionPatient
const POSITION_GROUP = 0x00209113; // PlanePositionSequence

export function writeSeg(input: WriteSegInput): Uint8Array {
  const { labelmap, labels } = input;
  const geo = readSourceGeometry(input.source, 'reference');
  const first = geo.sorted[0];
  const label = first.seriesInstanceUid;
  checkLabelmapOnSource(labelmap, geo, label);
  checkLabels(labels);
  const [nx, ny, nz] = labelmap.dims;
  const perFrame = nx * ny;

  // One frame per (segment, slice) that has voxels; empty frames are left out, as dcmqi does.
  const frames: { segment: number; slice: number }[] = [];
  labels.forEach((l, s) => {
    for (let k = 0; k < nz; k++) {
      const base = k * perFrame;
      for (let i = 0; i < perFrame; i++) {
        if (labelmap.data[base + i] === l.value) {
          frames.push({ segment: s + 1, slice: k });
          break;
        }
      }
    }
  });
  if (frames.length === 0) frames.push({ segment: 1, slice: 0 }); // a SEG needs at least one frame

  const bits = new Uint8Array(Math.ceil((frames.length * perFrame) / 8 / 2) * 2);
  frames.forEach((f, n) => {
    const value = labels[f.segment - 1].value;
    const base = f.slice * perFrame;
    const bitBase = n * perFrame;
    for (let i = 0; i < perFrame; i++) {
      if (labelmap.data[base + i] === value) bits[(bitBase + i) >> 3] |= 1 << ((bitBase + i) & 7);
    }
  });

  const hash = createHash('sha256')
    .update(new Uint8Array(labelmap.data.buffer, labelmap.data.byteOffset, labelmap.data.byteLength))
    .update(JSON.stringify(labels))
    .digest('hex');
  const seriesUid = deriveUid('segflow-seg-series', label, hash);
  const instanceUid = deriveUid('segflow-seg-instance', label, hash);
  const src = first.dataset;
  const pick = (k: string) => (src[k] === undefined ? '' : src[k]);
  const date = String(pick('ContentDate') || pick('SeriesDate') || pick('StudyDate') || '19700101');
  const time = String(pick('ContentTime') || pick('SeriesTime') || pick('StudyTime') || '000000');
  // DS values hold at most 16 characters.
  const step = Number(Math.hypot(geo.affine[0][2], geo.affine[1][2], geo.affine[2][2]).toFixed(6));
  const [dRow, dCol] = first.pixelSpacing!;

  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['DERIVED', 'PRIMARY'],
    SOPClassUID: SEG_SOP_CLASS,
    SOPInstanceUID: instanceUid,
    StudyDate: pick('StudyDate'),
    SeriesDate: date,
    ContentDate: date,
    StudyTime: pick('StudyTime'),
    SeriesTime: time,
    ContentTime: time,
    AccessionNumber: pick('AccessionNumber'),
    Modality: 'SEG',
    Manufacturer: 'segflow',
    ReferringPhysicianName: pick('ReferringPhysicianName'),
    SeriesDescription: 'Segmentation',
    ManufacturerModelName: 'segflow',
    PatientName: pick('PatientName'),
    PatientID: pick('PatientID'),
    PatientBirthDate: pick('PatientBirthDate'),
    PatientSex: pick('PatientSex'),
    DeviceSerialNumber: '1',
    SoftwareVersions: '0.1.0',
    StudyInstanceUID: first.studyInstanceUid,
    SeriesInstanceUID: seriesUid,
    StudyID: pick('StudyID'),
    SeriesNumber: 300,
    InstanceNumber: 1,
    FrameOfReferenceUID: first.frameOfReferenceUid,
    PositionReferenceIndicator: pick('PositionReferenceIndicator'),
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: frames.length,
    Rows: ny,
    Columns: nx,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    ContentLabel: 'SEGFLOW',
    ContentDescription: 'segflow segmentation',
    ContentCreatorName: '',
    SegmentationType: 'BINARY',
    DimensionOrganizationType: '3D',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: deriveUid('segflow-seg-dim', label, hash) }],
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: deriveUid('segflow-seg-dim', label, hash),
        DimensionIndexPointer: SEGMENT_DIM,
        FunctionalGroupPointer: SEGMENT_GROUP,
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
      {
        DimensionOrganizationUID: deriveUid('segflow-seg-dim', label, hash),
        DimensionIndexPointer: POSITION_DIM,
        FunctionalGroupPointer: POSITION_GROUP,
        DimensionDescriptionLabel: 'ImagePositionPatient',
      },
    ],
    SegmentSequence: labels.map((l, s) => ({
      SegmentNumber: s + 1,
      SegmentLabel: l.name,
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentAlgorithmName: input.algorithmName ?? 'segflow',
      RecommendedDisplayCIELabValue: rgbToDicomLab(l.color),
      SegmentedPropertyCategoryCodeSequence: [code(l.category ?? TISSUE)],
      SegmentedPropertyTypeCodeSequence: [code(l.type ?? TISSUE)],
    })),
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: [dRow, dCol], SliceThickness: step, SpacingBetweenSlices: step }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: first.orientation }],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map((f) => {
      const s = geo.sorted[f.slice];
      return {
        DerivationImageSequence: [
          {
            SourceImageSequence: [
              {
                ReferencedSOPClassUID: s.sopClassUid,
                ReferencedSOPInstanceUID: s.sopInstanceUid,
                PurposeOfReferenceCodeSequence: [code({ value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' })],
              },
            ],
            DerivationCodeSequence: [code({ value: '113076', scheme: 'DCM', meaning: 'Segmentation' })],
          },
        ],
        FrameContentSequence: [{ DimensionIndexValues: [f.segment, f.slice + 1] }],
        PlanePositionSequence: [{ ImagePositionPatient: s.position }],
        SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segment }],
      };
    }),
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: label,
        ReferencedInstanceSequence: geo.sorted.map((s) => ({ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid })),
      },
    ],
    PixelData: [bits.buffer],
    _vrMap: { PixelData: 'OB' },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SEG_SOP_CLASS,
    MediaStorageSOPInstanceUID: instanceUid,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '2.25.80302813137786398554742050926734630921',
    ImplementationVersionName: 'segflow-0.1',
  };
  return writePart10(meta, dataset);
}

function checkLabels(labels: SegLabel[]): void {
  if (labels.length === 0) throw new AppError('invalid_input', 'labels: at least one label is needed for a SEG');
  const seen = new Set<number>();
  for (const l of labels) {
    if (!Number.isInteger(l.value) || l.value <= 0) throw new AppError('invalid_input', `labels: value ${l.value} of "${l.name}" must be a positive integer`);
    if (seen.has(l.value)) throw new AppError('invalid_input', `labels: value ${l.value} appears twice`);
    if (!l.name) throw new AppError('invalid_input', `labels: value ${l.value} has no name`);
    seen.add(l.value);
  }
}
