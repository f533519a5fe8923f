import Link from 'next/link';
import { AdminForm } from '@/components/admin/admin-form';
import { PageError } from '@/components/ui/page-error';
import { listUsersOp } from '@/lib/admin/user-admin';
import { loadGuarded } from '@/lib/auth/page';
import { createUserAction, deactivateUserAction, resetUserAction } from '../actions';

/** Users of the projects you administer, and users in no project yet. */
export default async function AdminUsersPage() {
  const res = await loadGuarded(listUsersOp.spec, {}, listUsersOp.run);
  if (!res.ok) return <PageError error={res} />;
  return (
    <>
      <h1>Users</h1>
      <p className="muted">
        <Link href="/admin">Administration</Link> · the members of the projects you administer, and users who belong to no project yet. A new user gets a
        one-time invitation link that sets their password; users of the single sign-on provider sign in with the email invited here.
      </p>
      <div className="card">
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Projects</th>
              <th>Sign-in</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {res.data.users.map((u) => (
              <tr key={u.id}>
                <td className="mono">{u.email}</td>
                <td>{u.name}</td>
                <td>{u.memberships.map((m) => `${m.project} (${m.role})`).join(', ') || 'none'}</td>
                <td>{u.deactivated ? 'deactivated' : u.hasPassword ? 'password set' : 'invited'}</td>
                <td>
                  {!u.deactivated && (
                    <div className="admin-actions">
                      <AdminForm label={`Reset ${u.email}`} submit="Reset" fixed={{ user: u.id }} run={resetUserAction} showsInvitation secondary />
                      <AdminForm
                        label={`Deactivate ${u.email}`}
                        submit="Deactivate"
                        fixed={{ user: u.id }}
                        run={deactivateUserAction}
                        confirm={`Deactivate ${u.email}? They can no longer sign in, and their API tokens stop working.`}
                        secondary
                      />
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2>New user</h2>
        <p className="muted">To add them to a project straight away, use the project's page.</p>
        <AdminForm label="New user" submit="Create user" run={createUserAction} showsInvitation>
          <input name="email" type="email" aria-label="Email" placeholder="email" required />{' '}
          <input name="name" aria-label="Name" placeholder="name" required />
        </AdminForm>
      </div>
    </>
  );
}
