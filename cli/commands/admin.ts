/**
 * `segflow admin bootstrap --email <e> --name <n> --password-stdin [--project <slug>] [--project-name <n>]`:
 * the first admin of an install, created on the server with the database settings (DATABASE_URL, or
 * the running embedded database) — no API, no token. Refuses once an admin exists.
 */
import type { Command } from 'commander';
import { AppError } from '@/lib/errors';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // one line: the trailing newline of `echo` or a heredoc is not part of the password
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function register(program: Command): void {
  const admin = program.command('admin').description('administration on the server (database settings, no token)');
  admin
    .command('bootstrap')
    .description('create the first admin and their first project; refused once an admin exists')
    .requiredOption('--email <email>', "the admin's email (their sign-in)")
    .requiredOption('--name <name>', "the admin's name")
    .option('--password-stdin', 'read the password from standard input (at least 12 characters)', false)
    .option('--project <slug>', 'the first project, which the admin administers', 'main')
    .option('--project-name <name>', "the first project's name", 'Main')
    .action(async (opts: { email: string; name: string; passwordStdin: boolean; project: string; projectName: string }) => {
      if (!opts.passwordStdin) {
        throw new AppError(
          'invalid_input',
          '--password-stdin: give the password on standard input, e.g. `segflow admin bootstrap --email … --name … --password-stdin < file`',
        );
      }
      const password = await readStdin();
      try {
        // loaded when used: `segflow --help` loads no command's code
        const { bootstrapAdmin } = await import('@/lib/admin/bootstrap-admin');
        const { getDb } = await import('@/lib/db');
        const res = await bootstrapAdmin(getDb(), { email: opts.email, name: opts.name, password, project: { slug: opts.project, name: opts.projectName } });
        process.stderr.write(`first admin ${opts.email.toLowerCase()} created, administering project ${res.projectSlug}: sign in at /signin\n`);
        console.log(JSON.stringify({ user: res.userId, project: res.projectId, slug: res.projectSlug }));
      } finally {
        await (await import('@/lib/db')).closeDb();
      }
    });
}
