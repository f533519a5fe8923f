import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded } from '@/lib/auth/page';
import { listModels } from '@/lib/models/list-models';
import { can } from '@/lib/auth/permissions';
import { DeployShadowForm } from '@/components/rollout/deploy-shadow-form';
import { ModelGrants } from '@/components/rollout/model-grants';
import { deployShadowAction, grantModelAction, revokeModelAction } from './actions';

export default async function ModelsPage() {
  const res = await loadGuarded({ action: 'model.list', permission: 'model:read', input: z.object({}), project: () => null }, {}, async (ctx) => ({
    models: await listModels(ctx.tx),
    // a model's slot and grants are its owning project's: the caller's role there decides
    managerOf: ctx.actor.memberships.filter((m) => can(m.role, 'model:register')).map((m) => m.projectId),
  }));
  if (!res.ok) return <PageError error={res} />;
  const { models, managerOf } = res.data;
  return (
    <>
      <h1>Models</h1>
      {managerOf.length > 0 && (
        <p>
          <a className="button" href="/models/register">
            Register a version
          </a>
        </p>
      )}
      {models.length === 0 ? (
        <EmptyState title="No models registered">
          Operators register model versions (ONNX + input spec); each is validated and stored by content hash.
        </EmptyState>
      ) : (
        models.map((m) => {
          const canDeploy = m.owner !== null && managerOf.includes(m.owner.id);
          return (
            <div className="card" key={m.id} data-testid={`model-${m.name}`}>
              <h2 style={{ margin: 0, fontSize: 16 }}>{m.name}</h2>
              {m.description && <p className="muted">{m.description}</p>}
              <ModelGrants
                model={{ id: m.id, name: m.name }}
                owner={m.owner?.slug ?? null}
                grants={m.grants}
                canManage={canDeploy}
                actions={{ grantModelAction, revokeModelAction }}
              />
              <table>
                <thead>
                  <tr>
                    <th>Version</th>
                    <th>Stage</th>
                    <th>Status</th>
                    <th>SHA-256</th>
                    <th>Input domain</th>
                    <th>Registration checks</th>
                    <th>Registered</th>
                    {canDeploy && <th />}
                  </tr>
                </thead>
                <tbody>
                  {m.versions.map((v) => (
                    <tr key={v.id}>
                      <td className="mono">
                        <a href={`/models/${encodeURIComponent(m.name)}/versions/${encodeURIComponent(v.version)}`}>{v.version}</a>
                      </td>
                      <td>{v.stage === 'canary' ? `canary ${m.canaryPercent}%` : (v.stage ?? '—')}</td>
                      <td>{v.status}</td>
                      <td className="mono" title={v.sha256}>
                        {v.sha256.slice(0, 16)}…
                      </td>
                      <td>{v.domain ?? <span className="muted">not declared: inputs are not checked</span>}</td>
                      <td className="muted" data-testid="version-checks">
                        {v.checks}
                      </td>
                      <td>{v.createdAt.toISOString().slice(0, 10)}</td>
                      {canDeploy && (
                        <td>
                          {!v.stage && v.status !== 'retired' && v.status !== 'rejected' && (
                            <DeployShadowForm deployShadowAction={deployShadowAction} modelId={m.id} versionId={v.id} label={`${m.name}@${v.version}`} />
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        })
      )}
    </>
  );
}
