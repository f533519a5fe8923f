import Link from 'next/link';
import { AdminForm } from '@/components/admin/admin-form';
import { RoleSelect } from '@/components/admin/role-select';
import { PageError } from '@/components/ui/page-error';
import { listMembersOp } from '@/lib/admin/member-admin';
import { loadGuarded } from '@/lib/auth/page';
import { getProjectSummary } from '@/lib/admin/project-summary';
import { addMemberAction, createUserAction, removeMemberAction, setMemberRoleAction, updateProjectAction } from '../../actions';

/** One project you administer: its name, archive state and members. */
export default async function AdminProjectPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const res = await loadGuarded(listMembersOp.spec, { project }, async (ctx) => ({
    ...(await listMembersOp.run(ctx)),
    project: await getProjectSummary(ctx.tx, ctx.project!.id),
  }));
  if (!res.ok) return <PageError error={res} />;
  const { members, project: p } = res.data;
  const slug = p.slug;
  return (
    <>
      <h1>Project {slug}</h1>
      <p className="muted">
        <Link href="/admin">Administration</Link> · {p.name} · {p.archivedAt ? `archived ${p.archivedAt.slice(0, 10)}: only its admins reach it` : 'active'}
      </p>
      <div className="card">
        <h2>Members</h2>
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId} data-testid="member">
                <td className="mono">{m.email}</td>
                <td>
                  {m.name}
                  {m.deactivated ? ' (deactivated)' : ''}
                </td>
                <td>
                  <AdminForm
                    label={`Change role of ${m.email}`}
                    submit="Change role"
                    fixed={{ project: slug, user: m.userId }}
                    run={setMemberRoleAction}
                    secondary
                  >
                    {/* keyed by the role: after a change the select is made anew with the role now held */}
                    <RoleSelect key={m.role} name="role" defaultValue={m.role} label={`Role of ${m.email}`} />
                  </AdminForm>
                </td>
                <td>
                  <AdminForm
                    label={`Remove ${m.email}`}
                    submit="Remove"
                    fixed={{ project: slug, user: m.userId }}
                    run={removeMemberAction}
                    confirm={`Remove ${m.email} from ${slug}?`}
                    secondary
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2>Add a member</h2>
        <AdminForm label="Add a member" submit="Add" fixed={{ project: slug }} run={addMemberAction}>
          <input name="email" type="email" aria-label="Member email" placeholder="email of an existing user" required />{' '}
          <RoleSelect name="role" defaultValue="researcher" label="Member role" />
        </AdminForm>
        <h2>Invite a new user</h2>
        <p className="muted">
          Creates the user with this role here and shows their one-time invitation link, which sets their password; with single sign-on they may also sign in
          with this email.
        </p>
        <AdminForm label="Invite a new user" submit="Invite" fixed={{ project: slug }} run={createUserAction} showsInvitation>
          <input name="email" type="email" aria-label="Invitee email" placeholder="email" required />{' '}
          <input name="name" aria-label="Invitee name" placeholder="name" required /> <RoleSelect name="role" defaultValue="researcher" label="Invitee role" />
        </AdminForm>
      </div>
      <div className="card">
        <h2>Project</h2>
        <AdminForm label="Rename" submit="Rename" fixed={{ project: slug }} run={updateProjectAction}>
          <input name="name" aria-label="New name" placeholder={p.name} required />
        </AdminForm>
        <AdminForm
          label={p.archivedAt ? 'Unarchive' : 'Archive'}
          submit={p.archivedAt ? 'Unarchive' : 'Archive'}
          fixed={{ project: slug, archived: !p.archivedAt }}
          run={updateProjectAction}
          confirm={p.archivedAt ? undefined : `Archive ${slug}? Its members other than admins no longer reach it.`}
          secondary
        />
      </div>
    </>
  );
}
