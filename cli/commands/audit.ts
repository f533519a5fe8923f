import type { Command } from 'commander';

export function register(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description('walk the hash chain and check it against every signed checkpoint in the bucket; exit 1 naming the bad event or checkpoint')
    .action(async () => {
      const { verifyAuditChain } = await import('@/lib/audit/verify-audit-chain');
      const { checkAuditCheckpoints } = await import('@/lib/audit/check-audit-checkpoints');
      const { countPendingAuditEvents } = await import('@/lib/audit/list-audit-events');
      const { closeDb, getDb } = await import('@/lib/db');
      try {
        const res = await verifyAuditChain(getDb());
        if (!res.ok) {
          console.error(`audit chain broken at event ${res.badSeq}: ${res.problem} (${res.events} events verified before it)`);
          process.exitCode = 1;
          return;
        }
        const cps = await checkAuditCheckpoints(getDb());
        if (!cps.ok) {
          for (const p of cps.problems) console.error(`audit checkpoint ${p.kind}: ${p.message}`);
          process.exitCode = 1;
          return;
        }
        console.log(`audit chain intact: ${res.events} events, head ${res.head}`);
        // reads recorded in their own transaction and not yet linked by the chainer: not tampering
        const pending = await countPendingAuditEvents(getDb());
        if (pending > 0) console.log(`${pending} more events recorded and pending (not yet linked into the chain; the executor links them within seconds)`);
        if (cps.newest) console.log(`matches ${cps.checkpoints} signed checkpoints (newest: event ${cps.newest.seq}, ${cps.newest.key})`);
        else console.error('note: no signed checkpoints in the bucket yet: the chain was checked only against itself');
      } finally {
        await closeDb();
      }
    });
  audit
    .command('checkpoint')
    .description('write a signed checkpoint of the chain head to the bucket now (the executor does this every N events or T seconds)')
    .action(async () => {
      const { writeAuditCheckpoint } = await import('@/lib/audit/write-audit-checkpoint');
      const { closeDb, getDb } = await import('@/lib/db');
      try {
        const res = await writeAuditCheckpoint(getDb());
        console.log(res.written ? `wrote ${res.key} (event ${res.checkpoint.checkpoint.seq})` : `no checkpoint written: ${res.reason}`);
      } finally {
        await closeDb();
      }
    });
}
