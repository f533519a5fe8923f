import { requirePageActor } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';

/** Where a signed-in user who belongs to no project lands (an invitation accepted before a membership was given). */
export default async function NoProjectPage() {
  const actor = await requirePageActor();
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
