import type { ReactNode } from 'react';
import { Nav } from '@/components/ui/nav';
import { rolesOf } from '@/lib/auth/actor';
import { requirePageActor } from '@/lib/auth/page';
import { navFor } from '@/lib/auth/permissions';

export const dynamic = 'force-dynamic';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  const roles = rolesOf(actor);
  const items = navFor(roles).map(({ href, label }) => ({ href, label }));
  return (
    <div className="shell">
      <Nav items={items} who={{ name: actor.name, roles }} />
      <main>{children}</main>
    </div>
  );
}
