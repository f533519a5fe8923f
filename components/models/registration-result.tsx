import type { ParityDto, RegistrationOutcomeDto } from '@/lib/models/registration/schemas';
import { ParityTable } from './parity-table';

/** What completion answered: the version with its checks, or the reasons it was refused (each naming its file or field). */
export function RegistrationResult({ outcome }: { outcome: RegistrationOutcomeDto }) {
  if (outcome.status === 'refused') {
    return (
      <div className="card" data-testid="registration-result" data-status="refused">
        <h2 className="error" style={{ marginTop: 0, fontSize: 16 }}>
          Refused: nothing was registered
        </h2>
        <ul>
          {outcome.reasons.map((r) => (
            <li key={r.message} className="error">
              {r.message}
            </li>
          ))}
        </ul>
        {outcome.parity && <ParityTable parity={outcome.parity} />}
        <p className="muted">The uploaded files were deleted from storage.</p>
      </div>
    );
  }
  const v = outcome.version;
  const parity = (v.evidence?.parity as ParityDto | null | undefined) ?? null;
  const href = `/models/${encodeURIComponent(v.model)}/versions/${encodeURIComponent(v.version)}`;
  return (
    <div className="card" data-testid="registration-result" data-status="accepted">
      <h2 className="ok" style={{ marginTop: 0, fontSize: 16 }}>
        {outcome.created ? 'Registered' : 'Already registered (the same bytes)'}: {v.model}@{v.version}
      </h2>
      <p>
        SHA-256 <span className="mono">{v.sha256}</span> · status {v.status} · <a href={href}>the version&apos;s page</a>
      </p>
      {parity ? <ParityTable parity={parity} /> : <p className="muted">No reference pairs: parity was not checked.</p>}
    </div>
  );
}
