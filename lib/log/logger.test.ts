import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  return { log: createLogger(stream, 'debug'), lines };
}

describe('structured logs', () => {
  it('are JSON lines with the component, and never hold file names, paths or identifying values', () => {
    const { log, lines } = capture();
    const child = log.child({ component: 'executor' });
    child.info({ run: 'r-1', fileName: 'DOE_JOHN_1970.dcm', details: { file: 'DOE_JOHN_1970.dcm', patientName: 'DOE^JOHN' } }, 'step finished');
    child.error({ err: new AppError('malformed_file', 'DOE_JOHN_1970.dcm: not a DICOM file', { file: 'DOE_JOHN_1970.dcm' }) }, 'step failed');
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/uploads/DOE_JOHN_1970.dcm'"), { code: 'ENOENT' });
    child.error({ err: enoent }, 'read failed');
    child.warn({ err: new Error('cannot stat /data/in/DOE_JOHN_1970.dcm (gone)') }, 'sweep');
    expect(lines).toHaveLength(4);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of entries) expect(e).toMatchObject({ component: 'executor', pid: process.pid });
    expect(entries[0]).toMatchObject({ msg: 'step finished', run: 'r-1', fileName: '[redacted]', details: { file: '[redacted]', patientName: '[redacted]' } });
    expect(entries[1].err).toEqual({ type: 'AppError', code: 'malformed_file', status: 422 });
    expect(entries[2].err).toMatchObject({ type: 'Error', code: 'ENOENT', message: "ENOENT: no such file or directory, open '[path]'" });
    expect((entries[3].err as { message: string }).message).toBe('cannot stat [path] (gone)');
    for (const l of lines) expect(l).not.toMatch(/DOE/);
  });
});
