import type { Command } from 'commander';
import { config } from '@/lib/config';
import { startPlatform } from '@/lib/platform/start-platform';

export function register(program: Command): void {
  program
    .command('start')
    .description('run the platform: embedded database and S3 unless DATABASE_URL / S3_ENDPOINT are set')
    .option('--port <n>', 'HTTP port', String(config().ports.app))
    .option('--dev', 'next dev instead of a production build', false)
    .action(async (o: { port: string; dev: boolean }) => {
      await startPlatform({ port: Number(o.port), dev: o.dev });
    });
}
