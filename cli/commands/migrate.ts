import type { Command } from 'commander';
import { AppError } from '@/lib/errors';

export function register(program: Command): void {
  program
    .command('migrate')
    .description(
      'apply database migrations as the schema owner (SEGFLOW_MIGRATE_DATABASE_URL, else DATABASE_URL, else the running embedded database) and grant the app role (SEGFLOW_DB_ROLE)',
    )
    .action(async () => {
      const { migrationUrl } = await import('@/lib/config');
      const { migrateDatabase } = await import('@/lib/platform/migrate');
      const url = migrationUrl();
      if (!url) throw new AppError('unavailable', 'no database: set DATABASE_URL or start the platform with `npm start`');
      await migrateDatabase(url);
      console.log('migrations applied');
    });
}
