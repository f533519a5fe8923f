/**
 * `segflow rollout shadow|request|approve|reject|rollback|promote-back --model <m> --version <v> --reason <r>`:
 * the Promotions page's steps through the API (POST /api/models/:model/rollout/<op>), under the same
 * rules: gates, approver ≠ registrant and ≠ requester, a reason for every change. `segflow rollout
 * history --model <m> [--at <ISO time>]`: which version was live (canary, shadow) then, and the slot's
 * events up to then. Each prints its answer as JSON (its last line); the demo fallback acts as the
 * demo operator. Only operators and admins of the model's owning project change its slot.
 */
import type { Command } from 'commander';
import { callApi } from '../lazy-call-api';

type Op = 'shadow' | 'request' | 'approve' | 'reject' | 'rollback' | 'promote-back';

const DOES: Record<Op, string> = {
  shadow: 'put a registered version into shadow (it segments a copy of every study; never shown to researchers)',
  request: "evaluate the shadow or canary version's gate and, when it passes, ask another operator to approve its next step",
  approve: 'approve a requested promotion (not its registrant or requester): shadow → canary → … → live',
  reject: 'decline a requested promotion: the candidate stays where it is until someone requests again or rolls it back',
  rollback: 'take the shadow or canary version off the slot in one step; the live version keeps serving',
  'promote-back': 'put an earlier live version back as live in one step (the version now live is retired)',
};

function step(op: Op) {
  return async (opts: { model: string; version: string; reason?: string; note?: string }) => {
    const body = op === 'request' ? { version: opts.version, note: opts.note } : { version: opts.version, reason: opts.reason };
    const out = await callApi<Record<string, unknown>>('POST', `/api/models/${encodeURIComponent(opts.model)}/rollout/${op}`, body, 'operator');
    process.stderr.write(`${opts.model}@${opts.version}: ${op} done\n`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  };
}

type Held = { version: string; since: string; percent?: number } | null;

async function history(opts: { model: string; at?: string }): Promise<void> {
  if (opts.at && Number.isNaN(Date.parse(opts.at))) throw new Error(`--at: ${opts.at} is not a time (ISO 8601, e.g. 2026-12-01T12:00:00Z)`);
  const query = opts.at ? `?at=${encodeURIComponent(new Date(opts.at).toISOString())}` : '';
  const h = await callApi<{ model: string; at: string; live: Held; canary: Held; shadow: Held; events: unknown[] }>(
    'GET',
    `/api/models/${encodeURIComponent(opts.model)}/history${query}`,
    undefined,
    'operator',
  );
  const line = (s: string, v: Held) => `  ${s.padEnd(7)}${v ? `${v.version}${v.percent !== undefined ? ` (${v.percent} %)` : ''} since ${v.since}` : '—'}\n`;
  process.stderr.write(
    `${h.model} at ${h.at}:\n${line('live', h.live)}${line('canary', h.canary)}${line('shadow', h.shadow)}  ${h.events.length} slot events up to then\n`,
  );
  process.stdout.write(`${JSON.stringify(h)}\n`);
}

export function register(program: Command): void {
  const rollout = program.command('rollout').description("move a model's versions through shadow → canary → live (and back), and read its history");
  for (const op of ['shadow', 'request', 'approve', 'reject', 'rollback', 'promote-back'] as Op[]) {
    const c = rollout
      .command(op)
      .description(DOES[op])
      .requiredOption('--model <name>', 'the model (e.g. brain-tissue)')
      .requiredOption('--version <version>', 'the version (e.g. 1.1.0)');
    if (op === 'request') c.option('--note <text>', 'a note for the approver');
    else c.requiredOption('--reason <text>', 'why (recorded with the slot event and in the audit log)');
    c.action(step(op));
  }
  rollout
    .command('history')
    .description('which version was live (canary, shadow) at a time, and the slot events up to then')
    .requiredOption('--model <name>', 'the model')
    .option('--at <time>', 'an ISO 8601 time (default: now)')
    .action(history);
}
