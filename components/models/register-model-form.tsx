'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { registerViaApi } from '@/lib/models/registration/client/register-via-api';
import type { RegistrationOutcomeDto } from '@/lib/models/registration/schemas';
import { RegistrationResult } from './registration-result';

type Pair = { input: File | null; mask: File | null };
const fileOf = (e: React.ChangeEvent<HTMLInputElement>) => e.target.files?.[0] ?? null;

/**
 * Models → Register: the files are hashed in the browser, declared to the API, sent straight to
 * storage with presigned URLs, then validated by the server (graph, a tiny run, parity with each
 * reference pair). Shows the outcome: the version and its checks, or why it was refused.
 */
export function RegisterModelForm({ projects, models }: { projects: string[]; models: string[] }) {
  const router = useRouter();
  const [model, setModel] = useState('');
  const [version, setVersion] = useState('');
  const [project, setProject] = useState('');
  const [onnx, setOnnx] = useState<File | null>(null);
  const [spec, setSpec] = useState<File | null>(null);
  const [pairs, setPairs] = useState<Pair[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<RegistrationOutcomeDto | null>(null);
  const incomplete = pairs.some((p) => !p.input || !p.mask);
  const setPair = (i: number, side: keyof Pair, f: File | null) => setPairs((ps) => ps.map((p, j) => (j === i ? { ...p, [side]: f } : p)));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!onnx || !spec) return;
    setError(null);
    setOutcome(null);
    try {
      const out = await registerViaApi({
        baseUrl: '',
        model: model.trim(),
        version: version.trim(),
        project: project || undefined,
        onnx: { name: onnx.name, bytes: onnx },
        spec: { name: spec.name, bytes: spec },
        references: pairs.map((p) => ({ input: { name: p.input!.name, bytes: p.input! }, mask: { name: p.mask!.name, bytes: p.mask! } })),
        onProgress: (step, detail) =>
          setBusy(
            step === 'hashing'
              ? 'Computing checksums…'
              : step === 'uploading'
                ? `Uploading ${detail} to storage…`
                : 'Validating: graph, a test run and parity with each reference (may take a minute)…',
          ),
      });
      setOutcome(out);
      if (out.status === 'accepted') router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <form className="card register-form" onSubmit={submit} aria-label="Register a model version">
        <label>
          Model name
          <input required list="known-models" value={model} onChange={(e) => setModel(e.target.value)} placeholder="brain-tissue" />
          <datalist id="known-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label>
          Version
          <input required value={version} onChange={(e) => setVersion(e.target.value)} placeholder="1.1.0" />
        </label>
        {projects.length > 0 && (
          <label>
            Project (optional)
            <select value={project} onChange={(e) => setProject(e.target.value)}>
              <option value="">—</option>
              {projects.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Model (ONNX)
          <input type="file" required accept=".onnx" onChange={(e) => setOnnx(fileOf(e))} />
        </label>
        <label>
          Spec (JSON: preprocessing, labels, domain; its name and version are replaced by the fields above)
          <input type="file" required accept=".json,application/json" onChange={(e) => setSpec(fileOf(e))} />
        </label>
        <fieldset>
          <legend>Reference pairs (optional): an input and the mask the model must reproduce on it (NIfTI)</legend>
          {pairs.map((_p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: pairs are only appended or removed from the end
            <div key={i} className="pair-row">
              <label>
                Reference input {i + 1}
                <input type="file" accept=".nii,.gz" onChange={(e) => setPair(i, 'input', fileOf(e))} />
              </label>
              <label>
                Reference mask {i + 1}
                <input type="file" accept=".nii,.gz" onChange={(e) => setPair(i, 'mask', fileOf(e))} />
              </label>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => setPairs((ps) => [...ps, { input: null, mask: null }])}>
            Add a reference pair
          </button>
          {pairs.length > 0 && (
            <button type="button" className="secondary" onClick={() => setPairs((ps) => ps.slice(0, -1))}>
              Remove the last pair
            </button>
          )}
        </fieldset>
        <button type="submit" disabled={!!busy || !onnx || !spec || incomplete}>
          Register
        </button>
        {busy && <span role="status">{busy}</span>}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      {outcome && <RegistrationResult outcome={outcome} />}
    </>
  );
}
