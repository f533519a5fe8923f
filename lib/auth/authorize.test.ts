import { describe, expect, it } from 'vitest';
import { ZSlug } from '../admin/schemas';
import type { Actor } from './actor';
import { authorize } from './authorize';

const A = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const B = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';
const actor: Actor = {
  userId: 'u',
  email: 'u@test.segflow',
  name: 'U',
  via: 'token',
  memberships: [
    { projectId: A, slug: 'lung', role: 'researcher' },
    { projectId: B, slug: 'brain', role: 'operator' },
  ],
};
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'allowed';
};

describe('authorize (from the actor’s memberships, no query)', () => {
  it('finds a project by slug, or by id in any case', () => {
    expect(authorize(actor, 'run:read', 'lung')).toEqual({ project: { id: A, slug: 'lung' }, role: 'researcher' });
    expect(authorize(actor, 'run:read', A).project?.slug).toBe('lung');
    expect(authorize(actor, 'run:read', A.toUpperCase()).project).toEqual({ id: A, slug: 'lung' });
  });

  it('answers not found for a project the actor is not a member of, existing or not, and forbidden for a role without the permission', () => {
    expect(code(() => authorize(actor, 'run:read', 'heart'))).toBe('not_found');
    expect(code(() => authorize(actor, 'run:read', '00000000-0000-4000-8000-000000000000'))).toBe('not_found');
    expect(code(() => authorize(actor, 'promotion:approve', 'lung'))).toBe('forbidden');
    expect(code(() => authorize({ ...actor, memberships: [] }, 'run:read', 'lung'))).toBe('not_found');
  });

  it('takes a global permission from any membership that has it', () => {
    expect(authorize(actor, 'promotion:read', null)).toEqual({ project: null, role: 'operator' });
    expect(code(() => authorize({ ...actor, memberships: [actor.memberships[0]] }, 'promotion:read', null))).toBe('forbidden');
  });

  it('an id wins over a slug; and no slug can look like an id', () => {
    const confusing: Actor = { ...actor, memberships: [{ projectId: B, slug: A, role: 'admin' }, ...actor.memberships] };
    expect(authorize(confusing, 'run:read', A).project?.id).toBe(A);
    expect(ZSlug.safeParse(A).success).toBe(false);
    expect(ZSlug.safeParse('lung-ct-2026').success).toBe(true);
  });
});
