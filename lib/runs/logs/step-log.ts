import { z } from 'zod';

/** one line a step printed: when, on which stream */
export const ZStepLogLine = z.object({ t: z.string(), stream: z.enum(['stdout', 'stderr', 'executor']), line: z.string() });
export type TStepLogLine = z.infer<typeof ZStepLogLine>;

/** a stored log is at most this big: the last lines are kept (a step that loops printing cannot fill the bucket) */
export const STEP_LOG_MAX_BYTES = 1024 * 1024;
/** a single line longer than this is cut (a dumped buffer is not worth a MiB) */
const MAX_LINE_CHARS = 8192;

/**
 * What one attempt of a step printed, as structured lines (JSON lines when stored), bounded: once
 * the lines pass STEP_LOG_MAX_BYTES the oldest are dropped and counted, so the tail — where the error
 * is — is always kept. Steps only ever see de-identified data after `deidentify`, and print no header
 * values (lib/runs/run-control.test.ts checks the logs of a DICOM run for the patient's identity).
 */
export class StepLog {
  private lines: { text: string; bytes: number }[] = [];
  private bytes = 0;
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  /** lines dropped from the head to stay within the bound */
  dropped = 0;
  /** changed since the last take() */
  dirty = false;

  constructor(private readonly maxBytes = STEP_LOG_MAX_BYTES) {}

  /** a chunk of a stream: complete lines are recorded, the rest waits for its newline */
  write(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.partial[stream] + chunk;
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const line of parts) this.add(stream, line);
  }

  /** a line of the executor's own (how the attempt ended) */
  note(line: string): void {
    this.add('executor', line);
  }

  private add(stream: TStepLogLine['stream'], raw: string): void {
    const line = raw.replace(/\r$/, '');
    const entry: TStepLogLine = {
      t: new Date().toISOString(),
      stream,
      line: line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (${line.length} characters)` : line,
    };
    const text = `${JSON.stringify(entry)}\n`;
    const bytes = Buffer.byteLength(text);
    this.lines.push({ text, bytes });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes && this.lines.length > 1) {
      this.bytes -= this.lines.shift()!.bytes;
      this.dropped++;
    }
    this.dirty = true;
  }

  /** the log as stored: JSON lines, led by a note of what was dropped; flushes what waits for a newline when `final` */
  take(final = false): Uint8Array {
    if (final) {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (!this.partial[stream]) continue;
        this.add(stream, this.partial[stream]);
        this.partial[stream] = '';
      }
    }
    this.dirty = false;
    const head = this.dropped
      ? `${JSON.stringify({ t: new Date().toISOString(), stream: 'executor', line: `… ${this.dropped} earlier lines dropped (a log keeps its last ${this.maxBytes} bytes)` } satisfies TStepLogLine)}\n`
      : '';
    return new TextEncoder().encode(head + this.lines.map((l) => l.text).join(''));
  }
}

/** a stored log back into lines (a line that is not one of ours is kept as text) */
export function parseStepLog(bytes: Uint8Array): TStepLogLine[] {
  return new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter(Boolean)
    .map((text) => {
      try {
        return ZStepLogLine.parse(JSON.parse(text));
      } catch {
        return { t: '', stream: 'stdout' as const, line: text };
      }
    });
}
