/**
 * The invitation link's form posts here ({ token, password }). No session: the link's token is the
 * credential, so this is a public endpoint outside the guard; it is audited like a sign-in.
 */
import { firstIssue, plainIssueMessage } from '../util/input-issues';
import { randomUUID } from 'node:crypto';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { appendAuditEvent } from '../audit/append-audit-event';
import { errorResponse } from '../auth/route';
import { getDb } from '../db';
import { AppError } from '../errors';
import { acceptInvitation } from './invitations';
import { ZPassword } from './schemas';

const ZAccept = z.object({ token: z.string().min(1, 'expected the invitation token'), password: ZPassword });

export async function acceptInvitationRequest(req: Request): Promise<Response> {
  try {
    const parsed = ZAccept.safeParse(await req.json().catch(() => null), { error: plainIssueMessage });
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      throw new AppError('invalid_input', `${field}: ${message}`, { field });
    }
    const out = await getDb().transaction(async (tx) => {
      const accepted = await acceptInvitation(tx, parsed.data);
      await appendAuditEvent(tx, {
        actorId: accepted.userId,
        actorLabel: accepted.email,
        action: 'auth.invitation.accept',
        targetType: 'user',
        targetId: accepted.userId,
        outcome: 'success',
        requestId: randomUUID(),
        details: {},
      });
      return accepted;
    });
    return NextResponse.json({ email: out.email });
  } catch (err) {
    return errorResponse(err);
  }
}
