import type { DbOrTx } from '../db';
import type { TAuditFilter } from './audit-query';
import { listAuditEvents, type TListedAuditEvent } from './list-audit-events';

const COLUMNS = [
  'seq',
  'at',
  'actorId',
  'actorLabel',
  'action',
  'targetType',
  'targetId',
  'projectId',
  'outcome',
  'requestId',
  'details',
  'prevHash',
  'hash',
] as const;

/** one event as exported: every stored field, so an export can be checked against the chain */
function record(e: TListedAuditEvent): Record<(typeof COLUMNS)[number], unknown> {
  const { key: _key, ...rest } = e;
  return { ...rest, at: e.at.toISOString() };
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; a leading = + - @ is prefixed with ' (spreadsheet formula injection) */
function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A project's log under a filter, newest first, as JSON Lines (one event per line) or CSV (a header,
 * then one event per row; `details` as JSON), streamed a keyset page at a time so a large log never
 * sits in memory. `db` is the pool (the stream outlives the request's transaction).
 */
export function exportAuditEvents(
  db: DbOrTx,
  p: { projectId: string; filter: TAuditFilter; format: 'jsonl' | 'csv'; pageSize?: number },
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let cursor: number | undefined;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      let out = '';
      if (!started && p.format === 'csv') out += `${COLUMNS.join(',')}\r\n`;
      started = true;
      const page = await listAuditEvents(db, { projectId: p.projectId, filter: p.filter, cursor, limit: p.pageSize ?? 1000 });
      for (const e of page.events) {
        const r = record(e);
        out += p.format === 'jsonl' ? `${JSON.stringify(r)}\n` : `${COLUMNS.map((c) => csvField(r[c])).join(',')}\r\n`;
      }
      if (out) controller.enqueue(enc.encode(out));
      if (page.nextCursor === null) {
        done = true;
        controller.close();
      } else cursor = page.nextCursor;
    },
  });
}
