import type { Command } from 'commander';
import { join } from 'node:path';
import { closeDb, getDb } from '@/lib/db';
import { config } from '@/lib/config';
import { seedDemo } from '@/lib/platform/seed-demo';

export function register(program: Command): void {
  program
    .command('seed')
    .description('create the demo project, one demo user per role and their API tokens (.data/demo-tokens.json)')
    .action(async () => {
      try {
        const tokensFile = join(config().dataDir, 'demo-tokens.json');
        const res = await seedDemo(getDb(), { tokensFile });
        console.log(JSON.stringify({ project: res.projectId, users: res.userIds, tokensFile }));
      } finally {
        await closeDb();
      }
    });
}
