import { describe, expect, it } from 'vitest';
import { parseStepLog, StepLog } from './step-log';

describe('StepLog', () => {
  it('records complete lines per stream, keeps a line waiting for its newline, and flushes it at the end', () => {
    const log = new StepLog();
    log.write('stderr', '{"loaded":"model"}\npart');
    log.write('stdout', 'out\n');
    log.write('stderr', 'ial\n');
    log.write('stdout', 'no newline');
    log.note('attempt 1 succeeded');
    const lines = parseStepLog(log.take(true));
    expect(lines.map((l) => [l.stream, l.line])).toEqual([
      ['stderr', '{"loaded":"model"}'],
      ['stdout', 'out'],
      ['stderr', 'partial'],
      ['executor', 'attempt 1 succeeded'],
      ['stdout', 'no newline'],
    ]);
    expect(log.dirty).toBe(false);
  });

  it('keeps only the tail within its bound, says how many lines it dropped, and cuts a very long line', () => {
    const log = new StepLog(16_384);
    for (let i = 0; i < 1000; i++) log.write('stdout', `line ${i}\n`);
    log.write('stderr', `${'x'.repeat(20_000)}\n`);
    const bytes = log.take(true);
    const lines = parseStepLog(bytes);
    expect(lines[0].line).toMatch(/^… \d+ earlier lines dropped \(a log keeps its last 16384 bytes\)$/);
    expect(lines.at(-1)!.line).toMatch(/^x{8192}… \(20000 characters\)$/);
    expect(lines.at(-2)!.line).toBe('line 999');
    expect(log.dropped).toBeGreaterThan(800);
    expect(bytes.byteLength).toBeLessThan(16_384 + 512);
  });
});
