import { plural } from '@/lib/util/plural';
import { z } from 'zod';
import { DiceDistributionChart } from '@/components/rollout/dice-distribution-chart';
import { PromotionControls } from '@/components/rollout/promotion-controls';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded } from '@/lib/auth/page';
import type { GateCheck } from '@/lib/rollout/gate-checks';
import { promotionOverview, type CandidateView } from '@/lib/rollout/promotion-overview';
import { targetLabel } from '@/lib/rollout/request-promotion';
import { GatePolicyPanel } from '@/components/rollout/gate-policy-panel';
import { can } from '@/lib/auth/permissions';
import { approvePromotionAction, rejectPromotionAction, requestPromotionAction, rollbackAction, setGatePolicyAction } from './actions';

const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(3));
const when = (iso: string) => iso.replace('T', ' ').slice(0, 19);

/** A slot event's state as an operator says it: "promotion requested (from shadow)", "canary 50 %". */
function stateInWords(h: { state: string; stage: string | null; canaryPercent: number | null }): string {
  const at = h.stage === 'canary' && h.canaryPercent ? `canary ${h.canaryPercent} %` : (h.stage ?? '');
  switch (h.state) {
    case 'gate_passed':
      return `promotion requested${at ? ` (from ${at})` : ''}`;
    case 'rejected':
      return `request rejected${at ? ` (stays at ${at})` : ''}`;
    case 'rolled_back':
      return `rolled back${at ? ` (from ${at})` : ''}`;
    case 'canary':
      return h.canaryPercent ? `canary ${h.canaryPercent} %` : 'canary';
    default:
      return h.state;
  }
}

function ChecksTable({ checks }: { checks: GateCheck[] }) {
  return (
    <table aria-label="Gate checks">
      <thead>
        <tr>
          <th>Check</th>
          <th>Value</th>
          <th>Threshold</th>
          <th>Result</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={`${c.name}-${c.label ?? ''}`} data-testid="gate-check">
            <td className="mono">
              {c.name}
              {c.label && <> · {c.label}</>}
            </td>
            <td>{num(c.value)}</td>
            <td>
              {c.op === '>=' ? '≥' : '≤'} {num(c.threshold)}
            </td>
            <td className={c.passed ? 'ok' : 'error'}>{c.passed ? 'pass' : 'fail'}</td>
            <td>{c.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** canChange: the viewer operates the model's owning project (others see the gate, not the controls) */
function Candidate({ modelId, model, owner, canChange, c }: { modelId: string; model: string; owner: string | null; canChange: boolean; c: CandidateView }) {
  const e = c.evaluation;
  const where = c.stage === 'canary' ? `canary ${e.percent}%` : 'shadow';
  return (
    <section className="card" data-testid={`candidate-${c.stage}`}>
      <h3 style={{ margin: '0 0 4px' }}>
        {c.stage === 'shadow' ? 'Shadow → canary' : `Canary ${e.percent}% → ${targetLabel(e.target)}`}: <span className="mono">{c.version}</span>{' '}
        <span className={e.passed ? 'status status-succeeded' : 'status status-failed'}>{e.passed ? 'gate passed' : 'gate not passed'}</span>
      </h3>
      <p className="muted" style={{ margin: '0 0 8px' }}>
        {plural(e.cases, c.stage === 'shadow' ? 'compared case' : 'canary run')} ({e.minCases} needed) since {e.since ? when(e.since) : 'the start'}
        {c.registeredBy && <> · registered by {c.registeredBy}</>}
      </p>
      <ChecksTable checks={e.checks} />
      {c.dice.length > 0 && (
        <section style={{ display: 'flex', flexWrap: 'wrap', gap: 16, marginTop: 12 }} aria-label="Dice distribution">
          {c.dice.map((d) => (
            <DiceDistributionChart key={d.label} d={d} />
          ))}
        </section>
      )}
      {c.requests.length > 0 && (
        <p data-testid="pending-request">Waiting for approval: requested by {c.requests.map((r) => `${r.by ?? 'the platform'} (${when(r.at)})`).join(', ')}</p>
      )}
      {canChange ? (
        <PromotionControls
          modelId={modelId}
          stage={c.stage}
          name={`${model}@${c.version} (${where})`}
          target={targetLabel(e.target)}
          gatePassed={e.passed}
          pending={c.requests.length > 0}
          approval={c.approval}
          actions={{ requestPromotionAction, approvePromotionAction, rejectPromotionAction, rollbackAction }}
        />
      ) : (
        <p className="muted" data-testid="no-controls">
          {owner
            ? `Only operators and admins of project ${owner} request, approve or roll back this candidate.`
            : 'No project owns this model: nobody changes its slot.'}
        </p>
      )}
    </section>
  );
}

export default async function PromotionsPage() {
  const res = await loadGuarded({ action: 'promotions.view', permission: 'promotion:read', input: z.object({}), project: () => null }, {}, async (ctx) => ({
    models: await promotionOverview(ctx.tx, { viewerId: ctx.actor.userId }),
    // a model's slot and policy are its owning project's: the viewer's role there decides
    manages: ctx.actor.memberships.filter((m) => can(m.role, 'promotion:approve')).map((m) => m.slug),
  }));
  if (!res.ok) return <PageError error={res} />;
  const { models, manages } = res.data;
  const mayChange = (owner: string | null) => owner !== null && manages.includes(owner);
  if (models.length === 0) {
    return (
      <>
        <h1>Promotions</h1>
        <EmptyState title="No model is deployed">
          Once a model has a live version and a shadow candidate, its promotion gate and the approval step show up here.
        </EmptyState>
      </>
    );
  }
  return (
    <>
      <h1>Promotions</h1>
      {models.map((m) => (
        <div className="card" key={m.modelId} data-testid={`promotion-${m.model}`}>
          <h2 style={{ marginTop: 0 }}>{m.model}</h2>
          <p className="muted" data-testid="model-owner">
            {m.owner ? <>Owned by project {m.owner}: its operators and admins change this slot.</> : <>No owning project: nobody may change this slot.</>}
          </p>
          <dl className="facts" aria-label="Slot">
            <dt>Live</dt>
            <dd className="mono">{m.live?.version ?? '—'}</dd>
            <dt>Canary</dt>
            <dd className="mono">{m.canary ? `${m.canary.version} · ${m.canary.percent}% of studies` : '—'}</dd>
            <dt>Shadow</dt>
            <dd className="mono">{m.shadow?.version ?? '—'}</dd>
            <dt>Steps</dt>
            <dd>shadow → {m.canarySteps.map((p) => `${p}%`).join(' → ')} → live</dd>
          </dl>
          {m.candidates.length === 0 ? (
            <p className="muted">No candidate in shadow or canary.</p>
          ) : (
            m.candidates.map((c) => <Candidate key={c.stage} modelId={m.modelId} model={m.model} owner={m.owner} canChange={mayChange(m.owner)} c={c} />)
          )}
          <GatePolicyPanel modelId={m.modelId} model={m.model} gate={m.gatePolicy} canEdit={mayChange(m.owner)} setGatePolicyAction={setGatePolicyAction} />
          <h3>History</h3>
          <table aria-label="Slot history">
            <thead>
              <tr>
                <th>When</th>
                <th>Version</th>
                <th>State</th>
                <th>Who</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {m.history.map((h) => (
                <tr key={h.id} data-testid="history-row">
                  <td className="mono nowrap">{when(h.at)}</td>
                  <td className="mono nowrap">{h.version}</td>
                  <td>{stateInWords(h)}</td>
                  <td>{h.by ?? <span className="muted">platform</span>}</td>
                  <td>{h.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}
