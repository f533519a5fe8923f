import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../db';
import { createTestProject } from '../../test/test-project';
import { appendAuditEvent } from './append-audit-event';
import { listAuditEvents } from './list-audit-events';

describe('listAuditEvents', () => {
  afterAll(closeDb);

  it('lists one project’s events only', async () => {
    const db = getDb();
    const [a, b] = [await createTestProject(db), await createTestProject(db)];
    for (const p of [a, b]) {
      await db.transaction((tx) =>
        appendAuditEvent(tx, { actorLabel: 't', action: `test.list.${p.slug}`, outcome: 'success', requestId: 'r', projectId: p.id }),
      );
    }
    const { events: listed } = await listAuditEvents(db, { projectId: a.id });
    expect(listed.map((e) => e.action)).toEqual([`test.list.${a.slug}`]);
  });
});
