import { z } from 'zod';
import { PageError } from '@/components/ui/page-error';
import { ParityTable } from '@/components/models/parity-table';
import { loadGuarded } from '@/lib/auth/page';
import { getModelVersion } from '@/lib/models/get-model-version';
import type { ParityDto } from '@/lib/models/registration/schemas';

type Evidence = {
  checkedAt?: string;
  graph?: { irVersion?: number; opset?: number; opTypes?: string[] };
  testRun?: { inputDims?: number[]; outputDims?: number[]; ms?: number };
  parity?: ParityDto | null;
};

/** One registered version: its spec in brief and the evidence registration stored with it (graph, test run, parity per label). */
export default async function ModelVersionPage({ params }: { params: Promise<{ model: string; version: string }> }) {
  const p = await params;
  const input = { model: decodeURIComponent(p.model), version: decodeURIComponent(p.version) };
  const res = await loadGuarded(
    {
      action: 'model.version.read',
      permission: 'model:read',
      input: z.object({ model: z.string().min(1).max(128), version: z.string().min(1).max(128) }),
      project: () => null,
      target: (i) => ({ type: 'model_version', id: `${i.model}@${i.version}` }),
    },
    input,
    async (ctx) => getModelVersion(ctx.tx, ctx.input),
  );
  if (!res.ok) return <PageError error={res} />;
  const v = res.data;
  const e = (v.evidence ?? null) as Evidence | null;
  const spec = v.spec as { labels?: { name: string }[]; domain?: { description?: string } };
  return (
    <>
      <h1>
        Model {v.modelName}@{v.version}
      </h1>
      <p>
        <a href="/models">← Models</a>
      </p>
      <div className="card">
        <p>
          Status <strong>{v.status}</strong> · registered {v.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · SHA-256{' '}
          <span className="mono">{v.sha256}</span>
        </p>
        <p>
          Labels: {(spec.labels ?? []).map((l) => l.name).join(', ')} · input domain: {spec.domain?.description ?? <span className="muted">not declared</span>}
        </p>
      </div>
      <div className="card" data-testid="version-evidence">
        <h2 style={{ marginTop: 0, fontSize: 16 }}>Registration checks</h2>
        {!e ? (
          <p className="muted">Registered before checks were recorded.</p>
        ) : (
          <>
            <ul>
              <li>
                ONNX graph: IR {e.graph?.irVersion ?? '?'}, opset {e.graph?.opset ?? '?'}, {e.graph?.opTypes?.length ?? 0} operator types (
                {(e.graph?.opTypes ?? []).join(', ')})
              </li>
              <li>
                Test run: input [{e.testRun?.inputDims?.join(', ')}] → output [{e.testRun?.outputDims?.join(', ')}] in {e.testRun?.ms ?? '?'} ms
              </li>
              <li>Checked {e.checkedAt?.slice(0, 19).replace('T', ' ')} UTC</li>
            </ul>
            <h3 style={{ fontSize: 14 }}>Parity with reference masks</h3>
            {e.parity ? (
              <>
                <p>
                  Every label needs Dice ≥ {e.parity.minDice}:{' '}
                  <strong className={e.parity.passed ? 'ok' : 'error'}>{e.parity.passed ? 'reproduced' : 'not reproduced'}</strong>
                </p>
                <ParityTable parity={e.parity} />
              </>
            ) : (
              <p className="muted">No reference pairs were given: parity was not checked.</p>
            )}
          </>
        )}
      </div>
    </>
  );
}
