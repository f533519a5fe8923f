import { z } from 'zod';
import { PageError } from '@/components/ui/page-error';
import { RegisterModelForm } from '@/components/models/register-model-form';
import { loadGuarded } from '@/lib/auth/page';
import { can } from '@/lib/auth/permissions';
import { listModels } from '@/lib/models/list-models';

/** Models → Register (operators, admins): the form that uploads a version straight to storage and shows its validation. */
export default async function RegisterModelPage() {
  const res = await loadGuarded({ action: 'model.register.page', permission: 'model:register', input: z.object({}), project: () => null }, {}, async (ctx) => ({
    projects: ctx.actor.memberships.filter((m) => can(m.role, 'model:register')).map((m) => m.slug),
    models: (await listModels(ctx.tx)).map((m) => m.name),
  }));
  if (!res.ok) return <PageError error={res} />;
  return (
    <>
      <h1>Register a model version</h1>
      <p>
        The files go straight to storage (checked by SHA-256); the server then checks the ONNX graph against the spec, runs the model on a tiny input and, for
        each reference pair, runs the whole bundle (preprocessing, network, postprocessing) and compares its mask with the reference, label by label.
        Registering the same bytes again returns the existing version.
      </p>
      <RegisterModelForm projects={res.data.projects} models={res.data.models} />
    </>
  );
}
