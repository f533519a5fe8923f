import { and, eq, isNull, or } from 'drizzle-orm';
import { decode } from 'next-auth/jwt';
import { memberships, projects, users } from '@/db/schema';
import { config } from '../config';
import type { DbOrTx } from '../db';
import { findUserIdByToken } from './api-tokens';
import type { Role } from './permissions';

/** Who is calling: a signed-in user (next-auth session cookie) or an API token (CLI, scripts). */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  via: 'session' | 'token';
  memberships: { projectId: string; slug: string; role: Role }[];
}

const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

async function userIdFromSession(headers: Headers): Promise<string | null> {
  const secret = config().auth.secret;
  if (!secret) return null;
  for (const name of SESSION_COOKIES) {
    const value = readCookie(headers.get('cookie'), name);
    if (!value) continue;
    try {
      const jwt = await decode({ token: value, secret });
      if (jwt && typeof jwt.sub === 'string') return jwt.sub;
    } catch {
      return null; // a bad or expired cookie is the same as no session
    }
  }
  return null;
}

/** Resolves the caller from request headers; memberships are read fresh so role changes apply at once. */
export async function resolveActor(db: DbOrTx, headers: Headers): Promise<Actor | null> {
  const auth = headers.get('authorization');
  let userId: string | null = null;
  let via: Actor['via'] = 'session';
  if (auth?.toLowerCase().startsWith('bearer ')) {
    userId = await findUserIdByToken(db, auth.slice(7).trim());
    via = 'token';
    if (!userId) return null;
  } else {
    userId = await userIdFromSession(headers);
  }
  if (!userId) return null;
  return loadActor(db, userId, via);
}

export async function loadActor(db: DbOrTx, userId: string, via: Actor['via']): Promise<Actor | null> {
  // the user and their memberships in one round trip: a row per membership (one with no membership
  // when there is none); a membership of an archived project comes back without its project and is
  // out of reach, except for its admins (who may unarchive it)
  const rows = await db
    .select({ user: users, projectId: projects.id, slug: projects.slug, role: memberships.role })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(projects, and(eq(projects.id, memberships.projectId), or(isNull(projects.archivedAt), eq(memberships.role, 'admin'))))
    .where(eq(users.id, userId));
  const user = rows[0]?.user;
  // a deactivated user's sessions and tokens stop working at once
  if (!user || user.deactivatedAt) return null;
  const held = rows.flatMap((r) => (r.projectId && r.slug && r.role ? [{ projectId: r.projectId, slug: r.slug, role: r.role }] : []));
  return { userId: user.id, email: user.email, name: user.name, via, memberships: held };
}

export function rolesOf(actor: Actor): Role[] {
  return [...new Set(actor.memberships.map((m) => m.role))];
}
