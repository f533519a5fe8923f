import { redirect } from 'next/navigation';
import { rolesOf } from '@/lib/auth/actor';
import { requirePageActor } from '@/lib/auth/page';
import { navFor } from '@/lib/auth/permissions';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const actor = await requirePageActor();
  const first = navFor(rolesOf(actor))[0];
  redirect(first ? first.href : '/no-project');
}
