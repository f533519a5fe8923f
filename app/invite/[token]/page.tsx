import { InvitationForm } from '@/components/admin/invitation-form';
import { findInvitation } from '@/lib/admin/invitations';
import { getDb } from '@/lib/db';

export const dynamic = 'force-dynamic';

/** A one-time invitation link (public: the link is the credential): set a password, then sign in. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await findInvitation(getDb(), token);
  return (
    <div className="signin card">
      <h1>Welcome to segflow</h1>
      {found.ok ? (
        <>
          <p>
            {found.name} (<span className="mono">{found.email}</span>): choose a password to finish setting up your account. This link works once.
          </p>
          <InvitationForm token={token} email={found.email} />
        </>
      ) : (
        <p className="error" role="alert" data-testid="invitation-refused">
          {found.message}
        </p>
      )}
    </div>
  );
}
