/**
 * GET run detail as it ran when the performance issue was filed (commit f9bbe6a), for the api-reads
 * bench's baseline: the same statements, in the same order, on a client of that day — a pool of 5
 * and drizzle's unprepared queries (each statement with parameters described in a round trip of its
 * own before it runs). Per request:
 *   token lookup; token last-use write (every request); user; memberships; the run's project;
 *   the project (authorisation); then, in one transaction: the run with its study label; its steps;
 *   the audit event chained under the global advisory lock (lock, last hash, insert); commit.
 * The body is the run row, its label and steps as JSON (the DTO mapping of that day cost next to
 * nothing against the queries).
 */
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { NextResponse } from 'next/server';
import * as schema from '../db/schema';
import { apiTokens, memberships, projects, runSteps, runs, studies, users } from '../db/schema';
import { appendAuditEvent } from '../lib/audit/append-audit-event';
import { hashToken } from '../lib/auth/api-tokens';
import { postgresClient } from '../lib/postgres-client';

export function runDetailAtFiling(url: string) {
  const client = postgresClient(url, { max: 5, onnotice: () => {} });
  const db = drizzle(client, { schema });
  const request = async (token: string, runId: string): Promise<Response> => {
    const [tok] = await db
      .select({ userId: apiTokens.userId, id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`))))
      .limit(1);
    if (!tok) throw new Error('bench token not accepted');
    await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, tok.id));
    const [user] = await db.select().from(users).where(eq(users.id, tok.userId)).limit(1);
    const held = await db
      .select({ projectId: memberships.projectId, slug: projects.slug, role: memberships.role })
      .from(memberships)
      .innerJoin(projects, eq(projects.id, memberships.projectId))
      .where(eq(memberships.userId, user.id));
    const [ofRun] = await db.select({ projectId: runs.projectId }).from(runs).where(eq(runs.id, runId)).limit(1);
    const [project] = await db
      .select({ id: projects.id, slug: projects.slug })
      .from(projects)
      .where(or(eq(projects.id, ofRun.projectId), eq(projects.slug, ofRun.projectId)))
      .limit(1);
    if (!held.some((m) => m.projectId === project.id)) throw new Error('bench user is not a member');
    const body = await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ run: runs, label: studies.label })
        .from(runs)
        .innerJoin(studies, eq(studies.id, runs.studyId))
        .where(and(eq(runs.id, runId), eq(runs.projectId, project.id)))
        .limit(1);
      const steps = await tx.select().from(runSteps).where(eq(runSteps.runId, row.run.id));
      await appendAuditEvent(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: 'run.read',
        targetType: 'run',
        targetId: runId,
        projectId: project.id,
        outcome: 'success',
        requestId: crypto.randomUUID(),
      });
      return { run: { ...row.run, label: row.label, steps } };
    });
    return NextResponse.json(body);
  };
  return { request, close: () => client.end({ timeout: 5 }) };
}
