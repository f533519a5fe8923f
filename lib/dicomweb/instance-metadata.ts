import type { DcmjsElement } from 'dcmjs';
import type { DicomJsonDataset, DicomJsonElement } from './dicom-json';

/** value representations that are bulk data (PS3.18 8.7.3.1): sent by URI at the top level, inline below */
const BULK_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

export function instanceUrl(baseUrl: string, i: { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string }): string {
  return `${baseUrl}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;
}

function inline(value: unknown[] | undefined): string | undefined {
  const parts = (value ?? []).filter((v): v is ArrayBuffer => v instanceof ArrayBuffer);
  if (!parts.length) return undefined;
  return Buffer.concat(parts.map((p) => Buffer.from(p))).toString('base64');
}

function convert(ds: Record<string, DcmjsElement>, bulkBase: string | null): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const [tag, el] of Object.entries(ds)) {
    const t = tag.toUpperCase();
    let e: DicomJsonElement;
    if (el.vr === 'SQ')
      e = { vr: 'SQ', ...(el.Value?.length ? { Value: (el.Value as Record<string, DcmjsElement>[]).map((item) => convert(item, null)) } : {}) };
    else if (BULK_VRS.has(el.vr)) {
      if (bulkBase) e = { vr: el.vr, BulkDataURI: `${bulkBase}/bulkdata/${t}` };
      else {
        const b64 = el.InlineBinary ?? inline(el.Value);
        e = b64 ? { vr: el.vr, InlineBinary: b64 } : { vr: el.vr };
      }
    } else e = el.Value?.length ? { vr: el.vr, Value: el.Value } : { vr: el.vr };
    out[t] = e;
  }
  return out;
}

/**
 * WADO-RS metadata of one instance (DICOM JSON, PS3.18 F.2): every attribute of the stored dataset;
 * top-level bulk data (pixel data, overlays, …) as a BulkDataURI to .../bulkdata/<tag>, nested
 * binary values inline.
 */
export function instanceMetadata(dict: Record<string, DcmjsElement>, url: string): DicomJsonDataset {
  return convert(dict, url);
}
