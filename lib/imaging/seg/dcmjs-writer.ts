/**
 * The part of dcmjs used to write Part 10 files from naturalized datasets (the shared
 * dcmjs.d.ts only declares reading).
 */
import dcmjs from 'dcmjs';
import { withQuietDcmjs } from '../dicom/group-series';

interface DcmjsWriteApi {
  data: {
    DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
    DicomMetaDictionary: {
      denaturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
    };
    Colors: { rgb2DICOMLAB(rgb: number[]): number[]; dicomlab2RGB(lab: number[]): number[] };
  };
}

const api = dcmjs as unknown as DcmjsWriteApi;

export function writePart10(meta: Record<string, unknown>, dataset: Record<string, unknown>): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = api.data;
  return withQuietDcmjs(() => {
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
    return new Uint8Array(dict.write());
  });
}

/** sRGB 0–255 → DICOM scaled CIELab (0–65535), as RecommendedDisplayCIELabValue wants. */
export function rgbToDicomLab(rgb: [number, number, number]): [number, number, number] {
  const lab = api.data.Colors.rgb2DICOMLAB(rgb.map((v) => v / 255));
  return [0, 1, 2].map((i) => Math.max(0, Math.min(65535, Math.round(lab[i])))) as [number, number, number];
}

export function dicomLabToRgb(lab: number[]): [number, number, number] {
  const rgb = api.data.Colors.dicomlab2RGB(lab);
  return [0, 1, 2].map((i) => Math.max(0, Math.min(255, Math.round(rgb[i] * 255)))) as [number, number, number];
}
