import Link from 'next/link';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export interface RunsFilterValues {
  status?: string;
  model?: string;
  version?: string;
  study?: string;
  submitter?: string;
  warnings?: string;
  from?: string;
  to?: string;
}

/** The Runs page's filters: a plain GET form, so the URL holds them (shareable, back button works). */
export function RunsFilterForm({ project, values, models }: { project: string; values: RunsFilterValues; models: string[] }) {
  return (
    <form method="get" action="/runs" className="filters" aria-label="Filter runs">
      <input type="hidden" name="project" value={project} />
      <label>
        Status
        <select name="status" defaultValue={values.status ?? ''}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <input name="model" list="runs-filter-models" defaultValue={values.model ?? ''} placeholder="any" size={14} />
        <datalist id="runs-filter-models">
          {models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </label>
      <label>
        Serving version
        <input name="version" defaultValue={values.version ?? ''} placeholder="any" size={8} title="the version that served the run (with a model)" />
      </label>
      <label>
        Study
        <input name="study" defaultValue={values.study ?? ''} placeholder="any" size={10} title="a study label such as S-0003, or its id" />
      </label>
      <label>
        Submitter
        <input name="submitter" defaultValue={values.submitter ?? ''} placeholder="email" size={16} />
      </label>
      <label>
        Warnings
        <select name="warnings" defaultValue={values.warnings ?? ''}>
          <option value="">any</option>
          <option value="only">with warnings</option>
        </select>
      </label>
      <label>
        From
        <input type="date" name="from" defaultValue={values.from ?? ''} />
      </label>
      <label>
        To
        <input type="date" name="to" defaultValue={values.to ?? ''} />
      </label>
      <button type="submit">Filter</button>
      <Link href={`/runs?project=${encodeURIComponent(project)}`}>Clear</Link>
    </form>
  );
}
