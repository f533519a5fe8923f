'use client';
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import type { submitVerdictAction as submitVerdictActionType } from '@/app/(app)/reviews/[comparison]/actions';
import { VERDICT_LABELS, VERDICTS, type MyVerdict, type Verdict } from '@/lib/reviews/schemas';

/** The reviewer's verdict on one case; submitting again replaces the earlier verdict. */
export function VerdictForm({
  comparisonId,
  initial,
  submitVerdictAction,
}: {
  comparisonId: string;
  initial: MyVerdict | null;
  submitVerdictAction: typeof submitVerdictActionType;
}) {
  const [verdict, setVerdict] = useState<Verdict | null>(initial?.verdict ?? null);
  const [comment, setComment] = useState(initial?.comment ?? '');
  const [saved, setSaved] = useState<MyVerdict | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const commentId = useId();
  const router = useRouter();
  return (
    <form
      className="card"
      aria-label="Verdict"
      onSubmit={(e) => {
        e.preventDefault();
        if (!verdict) return setError('choose a verdict first');
        setError(null);
        start(async () => {
          const res = await submitVerdictAction({ comparison: comparisonId, verdict, comment: comment.trim() || undefined });
          if (res.ok) {
            setSaved({ verdict: res.data.verdict, comment: res.data.comment, at: res.data.at });
            // the page's "n of m reviewed" and the queue position are the server's: read them again
            router.refresh();
          } else setError(res.error.message);
        });
      }}
    >
      <fieldset style={{ border: 0, padding: 0, margin: 0, display: 'flex', gap: 16, flexWrap: 'wrap' }}>
        <legend style={{ fontWeight: 600, marginBottom: 8 }}>Which mask is better?</legend>
        {VERDICTS.map((v) => (
          <label key={v} style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
            <input type="radio" name="verdict" value={v} checked={verdict === v} onChange={() => setVerdict(v)} />
            {VERDICT_LABELS[v]}
          </label>
        ))}
      </fieldset>
      <p style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
        <label htmlFor={commentId}>Comment (optional)</label>
        <textarea
          id={commentId}
          rows={3}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          style={{ font: 'inherit', padding: 6 }}
        />
      </p>
      <button type="submit" disabled={pending || !verdict}>
        {pending ? 'Saving…' : saved ? 'Update verdict' : 'Save verdict'}
      </button>
      {saved && !pending && (
        <span className="ok" role="status" data-testid="verdict-saved" data-verdict={saved.verdict}>
          {' '}
          Saved: {VERDICT_LABELS[saved.verdict]} ({saved.at.slice(0, 16).replace('T', ' ')})
        </span>
      )}
      {error && (
        <span className="error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </form>
  );
}
