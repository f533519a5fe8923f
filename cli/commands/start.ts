import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('start')
    .description('run the platform: embedded database and S3 unless DATABASE_URL / S3_ENDPOINT are set')
    .option('--port <n>', 'HTTP port (default: PORT, else 3000)')
    .option('--dev', 'next dev instead of a production build', false)
    .action(async (o: { port?: string; dev: boolean }) => {
      const { config } = await import('@/lib/config');
      const { startPlatform } = await import('@/lib/platform/start-platform');
      await startPlatform({ port: o.port === undefined ? config().ports.app : Number(o.port), dev: o.dev });
    });
}
