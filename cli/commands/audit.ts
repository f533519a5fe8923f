import type { Command } from 'commander';

export function register(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description('walk the hash chain; exit 1 and name the first bad event when it was tampered with')
    .action(async () => {
      const { verifyAuditChain } = await import('@/lib/audit/verify-audit-chain');
      const { closeDb, getDb } = await import('@/lib/db');
      try {
        const res = await verifyAuditChain(getDb());
        if (res.ok) {
          console.log(`audit chain intact: ${res.events} events, head ${res.head}`);
        } else {
          console.error(`audit chain broken at event ${res.badSeq}: ${res.problem} (${res.events} events verified before it)`);
          process.exitCode = 1;
        }
      } finally {
        await closeDb();
      }
    });
}
