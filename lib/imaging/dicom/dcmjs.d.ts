// dcmjs ships no type declarations; this covers the part segflow uses (read, write, dictionary).
declare module 'dcmjs' {
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[];
    InlineBinary?: string;
  }
  export interface DcmjsDicomDict {
    meta: Record<string, DcmjsElement>;
    dict: Record<string, DcmjsElement>;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  export interface DcmjsReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: DcmjsReadOptions): DcmjsDicomDict };
      DicomMetaDictionary: {
        dictionary: Record<string, { vr?: string; name?: string } | undefined>;
        naturalizeDataset(dataset: Record<string, DcmjsElement>): Record<string, unknown>;
      };
    };
  };
  export default dcmjs;
}
