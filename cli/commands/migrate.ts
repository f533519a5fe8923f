import type { Command } from 'commander';
import { AppError } from '@/lib/errors';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations (DATABASE_URL, or the running embedded database)')
    .action(async () => {
      const { databaseUrl } = await import('@/lib/config');
      const { migrateDatabase } = await import('@/lib/platform/migrate');
      const url = databaseUrl();
      if (!url) throw new AppError('unavailable', 'no database: set DATABASE_URL or start the platform with `npm start`');
      await migrateDatabase(url);
      console.log('migrations applied');
    });
}
