'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { setGatePolicyAction as SetGatePolicyAction } from '@/app/(app)/promotions/actions';
import type { ModelGatePolicy } from '@/lib/rollout/model-gate-policy';

/** "≥ 20 compared cases · Dice p10 ≥ 0.8, median ≥ 0.9 · …": the gate in force, in words. */
function policyInWords(p: ModelGatePolicy['policy']): string {
  const s = p.shadow;
  const c = p.canary;
  return [
    `shadow: ≥ ${s.minComparedCases} compared cases, Dice p10 ≥ ${s.diceP10Min} and median ≥ ${s.diceMedianMin}, failures ≤ ${s.maxFailureRate * 100} %, p95 latency ≤ ${s.maxLatencyRatio}× live`,
    `canary: ≥ ${c.minRuns} runs per step, failures ≤ ${c.maxFailureRate * 100} %, p95 latency ≤ ${c.maxLatencyRatio}× live`,
    `steps ${p.canarySteps.map((x) => `${x} %`).join(' → ')} → live`,
  ].join(' · ');
}

/** An override as its settings: `shadow.minComparedCases = 1`, `canarySteps = 50 → 99`. */
function settingsOf(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? settingsOf(v, `${prefix}${k}.`) : [`${prefix}${k} = ${Array.isArray(v) ? v.join(' → ') : v}`],
  );
}

/** The model's gate policy on the Promotions page; its owning project's operators edit it with a reason. */
export function GatePolicyPanel({
  modelId,
  model,
  gate,
  canEdit,
  setGatePolicyAction,
}: {
  modelId: string;
  model: string;
  gate: ModelGatePolicy;
  canEdit: boolean;
  setGatePolicyAction: typeof SetGatePolicyAction;
}) {
  const router = useRouter();
  const [text, setText] = useState(JSON.stringify(gate.override ?? {}, null, 1));
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <section aria-label={`Gate policy of ${model}`} data-testid="gate-policy">
      <h3>Gate policy</h3>
      <p data-testid="gate-policy-summary">{policyInWords(gate.policy)}</p>
      {gate.override ? (
        <p className="muted" data-testid="gate-policy-own">
          This model has its own policy over the deployment's, which sets {settingsOf(gate.override).join(', ')}
          {gate.reason && <> — “{gate.reason}”</>}
          {gate.by && <> ({gate.by}</>}
          {gate.at && (
            <>
              {gate.by ? ', ' : ' ('}
              {gate.at.slice(0, 10)})
            </>
          )}
        </p>
      ) : (
        <p className="muted">The deployment's policy (SEGFLOW_GATE_POLICY, else the defaults).</p>
      )}
      {canEdit && (
        <form
          className="gate-policy-form"
          onSubmit={(e) => {
            e.preventDefault();
            let policy: unknown;
            try {
              policy = JSON.parse(text || '{}');
            } catch {
              setMessage({ ok: false, text: 'policy: not JSON' });
              return;
            }
            start(async () => {
              const res = await setGatePolicyAction({ model: modelId, policy, reason });
              setMessage(res.ok ? { ok: true, text: 'gate policy saved' } : { ok: false, text: res.error.message });
              if (res.ok) router.refresh();
            });
          }}
        >
          <label>
            Own policy (JSON, any of shadow, canary, canarySteps; {'{}'}: the deployment's)
            <textarea aria-label={`Gate policy of ${model} (JSON)`} rows={8} value={text} onChange={(e) => setText(e.target.value)} className="mono" />
          </label>
          <div className="gate-policy-save">
            <input
              aria-label={`Reason to change the gate policy of ${model}`}
              placeholder="reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <button type="submit" className="secondary" disabled={pending || !reason.trim()}>
              Save gate policy
            </button>
          </div>
        </form>
      )}
      {message && (
        <span role="status" className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </span>
      )}
    </section>
  );
}
