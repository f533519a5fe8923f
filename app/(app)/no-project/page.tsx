import { redirect } from 'next/navigation';
import { rolesOf } from '@/lib/auth/actor';
import { requirePageActor } from '@/lib/auth/page';
import { navFor } from '@/lib/auth/permissions';

export const dynamic = 'force-dynamic';

/** Where a signed-in user who belongs to no project lands (an invitation accepted before a membership was given). */
export default async function NoProjectPage() {
  const actor = await requirePageActor();
  // a member of a project since (this page bookmarked) goes on to their first page
  const first = navFor(rolesOf(actor))[0];
  if (first) redirect(first.href);
  return (
    <div className="card" data-testid="no-project">
      <h1>No project yet</h1>
      <p>
        You are signed in as <strong>{actor.email}</strong>, but you are not a member of any project, so there is nothing to show yet. An admin of a project
        adds you as a member with a role; its pages appear here then.
      </p>
    </div>
  );
}
