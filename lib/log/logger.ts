/**
 * The services' structured logs (app server, executors, pipeline steps): one pino logger, JSON
 * lines on stderr (stdout stays the commands' output), one child per component. What may identify a
 * patient never reaches a log: values under the keys below are replaced by "[redacted]" at any of
 * the first two levels, an AppError is logged by its code only (its message names the file or field
 * for the user), and other errors' messages have file paths cut out. Log ids (run, upload, study
 * uuids) and counts instead of names. CLI commands keep printing their own output as before.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { config } from '@/lib/config';
import { isAppError } from '@/lib/errors';

/** Keys whose values are never logged: file names and paths, identifying header values, secrets. */
const REDACTED_KEYS = [
  'fileName',
  'file',
  'files',
  'name',
  'path',
  'filePath',
  'originalName',
  'patientName',
  'patientId',
  'birthDate',
  'patientBirthDate',
  'accessionNumber',
  'studyDescription',
  'seriesDescription',
  'institutionName',
  'email',
  'password',
  'token',
  'authorization',
  'cookie',
];

export const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]);

let root: Logger | undefined;

/** The logger of one component (e.g. "executor", "http"); created on first use. */
export function logger(component: string): Logger {
  root ??= createLogger(pino.destination({ fd: 2, sync: true }), config().logLevel);
  return root.child({ component });
}

/** A logger writing to `destination` with segflow's redaction and error serializer (tests give a stream of their own). */
export function createLogger(destination: DestinationStream, level: pino.LevelWithSilent = 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

/** An error as logs may hold it: what kind, never what the user was told about their file. */
export function serializeError(err: unknown): Record<string, unknown> {
  if (isAppError(err)) return { type: 'AppError', code: err.code, status: err.status };
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as NodeJS.ErrnoException).code;
  const frames = (err.stack ?? '').split('\n').slice(1).join('\n');
  return { type: err.name, message: withoutPaths(err.message), ...(code ? { code } : {}), ...(frames ? { stack: frames } : {}) };
}

/** File paths cut out of a message ("ENOENT: no such file or directory, open '/in/DOE_JOHN.dcm'"). */
export function withoutPaths(text: string): string {
  return text.replace(/(['"`])[^'"`\n]*[/\\][^'"`\n]*\1/g, '$1[path]$1').replace(/(^|[\s(=])(?:[A-Za-z]:)?[/\\][^\s'"`)]+/g, '$1[path]');
}
