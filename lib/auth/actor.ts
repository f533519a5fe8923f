import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { decode } from 'next-auth/jwt';
import { apiTokens, memberships, projects, users } from '@/db/schema';
import { config } from '../config';
import type { DbOrTx } from '../db';
import { builtOnce } from '../built-query';
import { liveTokenWithHash, markTokenUsed, tokenHashOf, tokenUseStale } from './api-tokens';
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

/**
 * A user's memberships come a row each, joined onto the user (one row with no membership when there
 * is none). A membership of an archived project comes back without its project and is out of reach,
 * except for its admins (who may unarchive it).
 */
const membershipOfUser = eq(memberships.userId, users.id);
const reachableProject = and(eq(projects.id, memberships.projectId), or(isNull(projects.archivedAt), eq(memberships.role, 'admin')));
const actorFields = { user: users, projectId: projects.id, slug: projects.slug, role: memberships.role };

/** Resolves the caller from request headers; memberships are read fresh so role changes apply at once. */
export async function resolveActor(db: DbOrTx, headers: Headers): Promise<Actor | null> {
  const auth = headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) {
    const hash = tokenHashOf(auth.slice(7).trim());
    if (!hash) return null;
    const rows = await actorByTokenHash(db, { hash });
    if (rows[0]?.stale) await markTokenUsed(db, rows[0].tokenId);
    return actorOf(rows, 'token');
  }
  const userId = await userIdFromSession(headers);
  return userId ? loadActor(db, userId, 'session') : null;
}

export async function loadActor(db: DbOrTx, userId: string, via: Actor['via']): Promise<Actor | null> {
  return actorOf(await actorById(db, { userId }), via);
}

// the token, its user and the memberships in one round trip
const actorByTokenHash = builtOnce('actor_by_token', (db) =>
  db
    .select({ ...actorFields, tokenId: apiTokens.id, stale: tokenUseStale })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(memberships, membershipOfUser)
    .leftJoin(projects, reachableProject)
    .where(liveTokenWithHash(sql.placeholder('hash'))),
);

const actorById = builtOnce('actor_by_id', (db) =>
  db
    .select(actorFields)
    .from(users)
    .leftJoin(memberships, membershipOfUser)
    .leftJoin(projects, reachableProject)
    .where(eq(users.id, sql.placeholder('userId'))),
);

function actorOf(
  rows: { user: typeof users.$inferSelect; projectId: string | null; slug: string | null; role: Role | null }[],
  via: Actor['via'],
): Actor | null {
  const user = rows[0]?.user;
  // a deactivated user's sessions and tokens stop working at once
  if (!user || user.deactivatedAt) return null;
  const held = rows.flatMap((r) => (r.projectId && r.slug && r.role ? [{ projectId: r.projectId, slug: r.slug, role: r.role }] : []));
  return { userId: user.id, email: user.email, name: user.name, via, memberships: held };
}

export function rolesOf(actor: Actor): Role[] {
  return [...new Set(actor.memberships.map((m) => m.role))];
}
