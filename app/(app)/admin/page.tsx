import Link from 'next/link';
import { AdminForm } from '@/components/admin/admin-form';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { listProjectsOp } from '@/lib/admin/project-admin';
import { loadGuarded } from '@/lib/auth/page';
import { createProjectAction } from './actions';

/** Administration: the projects you administer, and a new one. */
export default async function AdminPage() {
  const res = await loadGuarded(listProjectsOp.spec, {}, listProjectsOp.run);
  if (!res.ok) return <PageError error={res} />;
  const { projects } = res.data;
  return (
    <>
      <h1>Administration</h1>
      <p className="muted">
        You administer the projects below: their names, members and roles. <Link href="/admin/users">Users</Link> lists the people of these projects and invites
        new ones.
      </p>
      <div className="card">
        <h2>Projects</h2>
        {projects.length === 0 ? (
          <EmptyState title="No projects">Create one below.</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Project</th>
                <th>Name</th>
                <th>Members</th>
                <th>Created</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link href={`/admin/projects/${p.slug}`} className="mono">
                      {p.slug}
                    </Link>
                  </td>
                  <td>{p.name}</td>
                  <td>{p.members}</td>
                  <td>{p.createdAt.slice(0, 10)}</td>
                  <td>{p.archivedAt ? `archived ${p.archivedAt.slice(0, 10)}` : 'active'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <h2>New project</h2>
        <p className="muted">
          You become its admin. Its de-identification secret is generated now and never shown: it makes the project's pseudonyms and UIDs.
        </p>
        <AdminForm label="New project" submit="Create project" run={createProjectAction}>
          <input name="slug" aria-label="Slug" placeholder="slug, e.g. lung-study" required />{' '}
          <input name="name" aria-label="Name" placeholder="name" required />
        </AdminForm>
      </div>
    </>
  );
}
