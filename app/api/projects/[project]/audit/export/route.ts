import { route } from '@/lib/auth/route';
import { ZAuditExportQuery } from '@/lib/audit/audit-query';
import { exportAuditEvents } from '@/lib/audit/export-audit-events';
import { getDb } from '@/lib/db';

/** The project's audit log under the same filters as the list, as a JSON Lines or CSV download (`format=jsonl|csv`), audited with its filter. */
export const GET = route({ action: 'audit.export', permission: 'audit:read', input: ZAuditExportQuery, project: (i) => i.project }, async (ctx) => {
  const { project: _p, format, ...filter } = ctx.input;
  Object.assign(ctx.auditDetails, { format, filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() } });
  const slug = ctx.project!.slug;
  const body = exportAuditEvents(getDb(), { projectId: ctx.project!.id, filter, format });
  return new Response(body, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="audit-${slug}.${format}"`,
      'cache-control': 'no-store',
    },
  });
});
