import type { Command } from 'commander';
import { join } from 'node:path';

export function register(program: Command): void {
  program
    .command('seed')
    .description('create the demo project, one demo user per role and their API tokens (.data/demo-tokens.json)')
    .action(async () => {
      const { closeDb, getDb } = await import('@/lib/db');
      const { config } = await import('@/lib/config');
      const { seedDemo } = await import('@/lib/platform/seed-demo');
      try {
        const tokensFile = join(config().dataDir, 'demo-tokens.json');
        const res = await seedDemo(getDb(), { tokensFile });
        console.log(JSON.stringify({ project: res.projectId, users: res.userIds, tokensFile }));
      } finally {
        await closeDb();
      }
    });
}
