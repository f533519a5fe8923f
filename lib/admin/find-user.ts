import { eq } from 'drizzle-orm';
import { users, type User } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user named by id or email; not found names what was asked for. */
export async function findUser(db: DbOrTx, ref: string, field = 'user'): Promise<User> {
  const [user] = await db
    .select()
    .from(users)
    .where(UUID.test(ref) ? eq(users.id, ref) : eq(users.email, ref.trim().toLowerCase()))
    .limit(1);
  if (!user) throw new AppError('not_found', `${field}: no user ${ref}`, { field });
  return user;
}
