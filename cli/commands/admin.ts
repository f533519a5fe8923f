/**
 * Administration through the API (SEGFLOW_URL + an admin's SEGFLOW_TOKEN; the embedded demo uses the
 * demo admin's token): `segflow admin projects create|list|rename|archive`, `segflow admin users
 * create|list|deactivate|reset` (create and reset print the one-time invitation link),
 * `segflow admin members add|list|role|remove`. Each prints its result as JSON (its last line).
 *
 * `segflow admin bootstrap --email <e> --name <n> [--password-stdin] [--project <slug>] [--project-name <n>]`:
 * the first admin of an install, created on the server with the database settings (DATABASE_URL, or
 * the running embedded database) — no API, no token. Prints a one-time invitation link unless the
 * password comes on standard input. Refuses once an admin exists.
 */
import type { Command } from 'commander';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // one line: the trailing newline of `echo` or a heredoc is not part of the password
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** loaded when used: `segflow --help` loads no command's code */
async function callApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const { callApi } = await import('@/lib/platform/call-api');
  return callApi<T>(method, path, body, 'admin');
}

const enc = encodeURIComponent;
const print = (line: string, out: unknown) => {
  process.stderr.write(`${line}\n`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
};
const invitationLine = (inv: { url: string; expiresAt: string } | null) =>
  inv ? `one-time invitation link (sets the password; valid until ${inv.expiresAt.slice(0, 16).replace('T', ' ')} UTC): ${inv.url}` : 'password set';

type Invitation = { url: string; expiresAt: string } | null;

function registerApiCommands(admin: Command): void {
  const projects = admin.command('projects').description('projects you administer (through the API, as an admin)');
  projects
    .command('list')
    .description('the projects you administer')
    .action(async () => {
      const out = await callApi<{ projects: { slug: string; name: string; members: number; archivedAt: string | null }[] }>('GET', '/api/admin/projects');
      for (const p of out.projects) process.stderr.write(`${p.slug}\t${p.name}\t${p.members} members${p.archivedAt ? '\tarchived' : ''}\n`);
      process.stdout.write(`${JSON.stringify(out.projects)}\n`);
    });
  projects
    .command('create')
    .description('create a project (you become its admin; its de-identification secret is generated and never shown)')
    .requiredOption('--slug <slug>', 'its short name in URLs and commands')
    .requiredOption('--name <name>', 'its name')
    .action(async (o: { slug: string; name: string }) => {
      const { project } = await callApi<{ project: { slug: string } }>('POST', '/api/admin/projects', { slug: o.slug, name: o.name });
      print(`project ${project.slug} created; you administer it`, project);
    });
  projects
    .command('rename <project>')
    .description("change a project's name (its slug stays)")
    .requiredOption('--name <name>', 'the new name')
    .action(async (slug: string, o: { name: string }) => {
      const { project } = await callApi<{ project: { slug: string; name: string } }>('PATCH', `/api/projects/${enc(slug)}`, { name: o.name });
      print(`project ${project.slug} is now named ${project.name}`, project);
    });
  projects
    .command('archive <project>')
    .description('archive a project: its members other than admins no longer reach it')
    .option('--undo', 'unarchive it', false)
    .action(async (slug: string, o: { undo: boolean }) => {
      const { project } = await callApi<{ project: { slug: string } }>('PATCH', `/api/projects/${enc(slug)}`, { archived: !o.undo });
      print(`project ${project.slug} ${o.undo ? 'unarchived' : 'archived'}`, project);
    });

  const users = admin.command('users').description('users of the projects you administer (through the API, as an admin)');
  users
    .command('list')
    .description('users of the projects you administer, and users in no project yet')
    .action(async () => {
      const out = await callApi<{ users: { email: string; deactivated: boolean; memberships: { project: string; role: string }[] }[] }>(
        'GET',
        '/api/admin/users',
      );
      for (const u of out.users)
        process.stderr.write(`${u.email}\t${u.memberships.map((m) => `${m.project}:${m.role}`).join(',') || '-'}${u.deactivated ? '\tdeactivated' : ''}\n`);
      process.stdout.write(`${JSON.stringify(out.users)}\n`);
    });
  users
    .command('create')
    .description('create a user; prints their one-time invitation link (or sets the password from standard input)')
    .requiredOption('--email <email>', 'their email (their sign-in, also for single sign-on)')
    .requiredOption('--name <name>', 'their name')
    .option('--project <slug>', 'add them to this project you administer …')
    .option('--role <role>', '… with this role (researcher, reviewer, operator, admin)')
    .option('--password-stdin', 'read their password from standard input instead of making a link', false)
    .action(async (o: { email: string; name: string; project?: string; role?: string; passwordStdin: boolean }) => {
      const password = o.passwordStdin ? await readStdin() : undefined;
      const out = await callApi<{ user: { email: string }; invitation: Invitation }>('POST', '/api/admin/users', {
        email: o.email,
        name: o.name,
        project: o.project,
        role: o.role,
        password,
      });
      print(`user ${out.user.email} created${o.project ? ` as ${o.role} of ${o.project}` : ''}; ${invitationLine(out.invitation)}`, out);
    });
  users
    .command('deactivate <user>')
    .description('deactivate a user (email or id): no sign-in; their sessions and API tokens stop working')
    .action(async (user: string) => {
      const out = await callApi<{ user: { email: string } }>('POST', `/api/admin/users/${enc(user)}/deactivate`, {});
      print(`user ${out.user.email} deactivated`, out.user);
    });
  users
    .command('reset <user>')
    .description("clear a user's password and print a new one-time invitation link")
    .action(async (user: string) => {
      const out = await callApi<{ user: { email: string }; invitation: Invitation }>('POST', `/api/admin/users/${enc(user)}/reset`, {});
      print(`password of ${out.user.email} cleared; ${invitationLine(out.invitation)}`, out);
    });

  const members = admin.command('members').description('members of a project you administer (through the API, as an admin)');
  members
    .command('list')
    .requiredOption('--project <slug>', 'the project')
    .action(async (o: { project: string }) => {
      const out = await callApi<{ members: { email: string; role: string; deactivated?: boolean }[] }>('GET', `/api/projects/${enc(o.project)}/members`);
      for (const m of out.members) process.stderr.write(`${m.email}\t${m.role}${m.deactivated ? '\tdeactivated' : ''}\n`);
      process.stdout.write(`${JSON.stringify(out.members)}\n`);
    });
  members
    .command('add')
    .description('add an existing user to the project with a role')
    .requiredOption('--project <slug>', 'the project')
    .requiredOption('--email <email>', 'the user')
    .requiredOption('--role <role>', 'researcher, reviewer, operator or admin')
    .action(async (o: { project: string; email: string; role: string }) => {
      const { member } = await callApi<{ member: { email: string; role: string } }>('POST', `/api/projects/${enc(o.project)}/members`, {
        email: o.email,
        role: o.role,
      });
      print(`${member.email} is now ${member.role} of ${o.project}`, member);
    });
  members
    .command('role')
    .description("change a member's role (never the project's last admin)")
    .requiredOption('--project <slug>', 'the project')
    .requiredOption('--email <email>', 'the member')
    .requiredOption('--role <role>', 'researcher, reviewer, operator or admin')
    .action(async (o: { project: string; email: string; role: string }) => {
      const { member } = await callApi<{ member: { email: string; role: string } }>('PATCH', `/api/projects/${enc(o.project)}/members/${enc(o.email)}`, {
        role: o.role,
      });
      print(`${member.email} is now ${member.role} of ${o.project}`, member);
    });
  members
    .command('remove')
    .description('remove a member from the project (never its last admin)')
    .requiredOption('--project <slug>', 'the project')
    .requiredOption('--email <email>', 'the member')
    .action(async (o: { project: string; email: string }) => {
      const { removed } = await callApi<{ removed: { email: string } }>('DELETE', `/api/projects/${enc(o.project)}/members/${enc(o.email)}`, {});
      print(`${removed.email} removed from ${o.project}`, removed);
    });
}

export function register(program: Command): void {
  const admin = program.command('admin').description('administration: projects, users, members (API, as an admin); bootstrap (on the server)');
  registerApiCommands(admin);
  admin
    .command('bootstrap')
    .description('create the first admin and their first project; refused once an admin exists')
    .requiredOption('--email <email>', "the admin's email (their sign-in)")
    .requiredOption('--name <name>', "the admin's name")
    .option('--password-stdin', 'read the password from standard input (at least 12 characters) instead of printing an invitation link', false)
    .option('--project <slug>', 'the first project, which the admin administers', 'main')
    .option('--project-name <name>', "the first project's name", 'Main')
    .action(async (opts: { email: string; name: string; passwordStdin: boolean; project: string; projectName: string }) => {
      const password = opts.passwordStdin ? await readStdin() : undefined;
      try {
        // loaded when used: `segflow --help` loads no command's code
        const { bootstrapAdmin } = await import('@/lib/admin/bootstrap-admin');
        const { getDb } = await import('@/lib/db');
        const res = await bootstrapAdmin(getDb(), { email: opts.email, name: opts.name, password, project: { slug: opts.project, name: opts.projectName } });
        process.stderr.write(
          `first admin ${opts.email.toLowerCase()} created, administering project ${res.projectSlug}: ${
            res.invitation
              ? `${invitationLine({ url: res.invitation.url, expiresAt: res.invitation.expiresAt.toISOString() })} (the link's address is NEXTAUTH_URL)`
              : 'sign in at /signin'
          }\n`,
        );
        console.log(JSON.stringify({ user: res.userId, project: res.projectId, slug: res.projectSlug, invitation: res.invitation?.url ?? null }));
      } finally {
        await (await import('@/lib/db')).closeDb();
      }
    });
}
