import { z } from 'zod';
import { MAX_BATCH_FILES } from './limits';

/** Request and response shapes of the upload API, shared by route handlers and the client engine. */
const ZUuid = z.uuid();
const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

export const ZCreateUpload = z.object({ project: z.string().min(1), study: ZUuid.optional() });
export type TCreateUpload = z.infer<typeof ZCreateUpload>;

export const ZRegisterFile = z.object({
  upload: ZUuid,
  // a name is shown and stored, never a path: control characters (NUL, newline, escape…) are refused
  name: z
    .string()
    .min(1)
    .max(1024)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it finds
    .refine((n) => !/[\u0000-\u001f\u007f-\u009f]/.test(n), 'a file name must not contain control characters (NUL, newline, escape, …)'),
  size: z.number().int().min(0),
  sha256: ZSha256,
});
export type TRegisterFile = z.infer<typeof ZRegisterFile>;

export const ZRegisterFiles = z.object({
  upload: ZUuid,
  files: z
    .array(ZRegisterFile.omit({ upload: true }))
    .min(1)
    .max(MAX_BATCH_FILES),
});
export const ZCompleteFiles = z.object({ upload: ZUuid, files: z.array(ZUuid).min(1).max(MAX_BATCH_FILES) });

export const ZUploadRef = z.object({ upload: ZUuid });
export const ZFileRef = z.object({ upload: ZUuid, file: ZUuid });

/** base64 of a big-endian CRC32 (S3's x-amz-checksum-crc32) */
const ZBase64Crc32 = z.string().regex(/^[A-Za-z0-9+/]{6}==$/, 'a base64 CRC32');

export const ZSignPart = z.object({
  upload: ZUuid,
  file: ZUuid,
  partNumber: z.coerce.number().int().min(1).max(10_000).optional(),
  /** base64 CRC32 of the part: signed into the URL, so the store checks the part's bytes */
  partCrc32: ZBase64Crc32.optional(),
});

export const ZCompletedPart = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  etag: z.string().min(1).max(200),
  checksumCrc32: ZBase64Crc32.optional(),
});
export const ZCompleteFile = z.object({ upload: ZUuid, file: ZUuid, parts: z.array(ZCompletedPart).max(10_000).optional() });
export type TCompletedPart = z.infer<typeof ZCompletedPart>;

export const ZStudyRef = z.object({ study: ZUuid });

export type UploadFileStatus = 'pending' | 'uploading' | 'uploaded' | 'verified' | 'rejected' | 'aborted';

export interface UploadFileDto {
  id: string;
  index: number;
  name: string;
  size: number;
  sha256: string;
  status: UploadFileStatus;
  error: string | null;
  multipart: boolean;
  partSize: number;
  partCount: number;
}

export interface UploadDto {
  id: string;
  projectId: string;
  studyId: string;
  status: string;
  files: UploadFileDto[];
}

/** One file of a batch answer: its final state, or why this request could not complete it (the others are unaffected). */
export type BatchFileResult = { id: string; file: UploadFileDto } | { id: string; error: { code: string; message: string } };

export interface SignedPart {
  url: string;
  method: 'PUT';
  /** headers the request must carry exactly as signed */
  headers: Record<string, string>;
  partNumber: number | null;
  contentLength: number;
  expiresAt: string;
}

export interface PartsDto {
  /** false when the store cannot list parts (the embedded s3rver): the client's own record stands */
  supported: boolean;
  parts: { partNumber: number; etag: string; size: number; checksumCrc32?: string }[];
}

export interface StudySummary {
  study: string;
  label: string;
  series: {
    id: string;
    modality: string | null;
    description: string | null;
    instances: number;
    rows: number | null;
    columns: number | null;
    spacing: number[] | null;
  }[];
  /** modality and bodyPart: as the researcher stated them (NIfTI carries neither) */
  volumes: { id: string; dims: number[]; spacing: number[] | null; description: string | null; modality: string | null; bodyPart: string | null }[];
  rejected: { file: string; reason: string }[];
}

/** What finishing an upload answers: the study's summary; `study` is null when the upload added nothing and the new study it opened was removed (finishUpload). */
export type UploadResult = Omit<StudySummary, 'study'> & { study: string | null };
