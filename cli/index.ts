/**
 * segflow command line. One file per subcommand in cli/commands/, each exporting `register(program)`.
 * Subcommands call lib/ directly (offline tools) or the app's REST API (platform actions).
 */
import { Command } from 'commander';
import { commands } from './commands';

const program = new Command();
program.name('segflow').description('segflow: segmentation pipelines, uploads, models').showHelpAfterError();
for (const register of commands) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // One line, no stack trace: the CLI is used in scripts.
  let message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const cause = err instanceof Error ? (err.cause as { message?: string } | undefined) : undefined;
  if (cause?.message) message += ` (${cause.message})`;
  process.stderr.write(`segflow: ${message}\n`);
  process.exit(1);
});
