/**
 * A model of how Argo's controller walks a DAG template (workflow/controller/dag.go, argoproj/argo-workflows
 * v3.7–v4.1): what it refuses (validate.go: `depends` beside `dependencies` or `continueOn`), which tasks
 * it runs, skips (`when` false) or omits (`depends` false), whether a task would read an output that
 * does not exist (v3.7.12+ requeues such a task forever; older versions pass the literal `{{…}}`), and
 * the DAG's phase (assessDAGPhase: the leaf tasks' phases, an omitted leaf inheriting a failure of the
 * branch above it). Tests render our WorkflowTemplate and run it through this with chosen step outcomes.
 */
export type Phase = 'Succeeded' | 'Failed' | 'Error' | 'Skipped' | 'Omitted' | 'Hung';
export interface SimTask {
  name: string;
  depends?: string;
  dependencies?: string[];
  continueOn?: unknown;
  when?: string;
  arguments?: { parameters?: { name: string; value: string }[] };
}

const RESULTS = ['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted', 'Daemoned'] as const;

/** Argo's validation of a DAG template's task group */
export function argoValidationErrors(tasks: SimTask[]): string[] {
  const usingDepends = tasks.some((t) => t.depends);
  const errors: string[] = [];
  for (const t of tasks) {
    if (usingDepends && t.dependencies?.length) errors.push(`${t.name}: cannot use both 'depends' and 'dependencies' in the same DAG template`);
    if (usingDepends && t.continueOn) errors.push(`${t.name}: cannot use 'continueOn' when using 'depends'`);
  }
  return errors;
}

function dependsNames(t: SimTask): string[] {
  if (t.dependencies) return t.dependencies;
  return [
    ...new Set(
      [...(t.depends ?? '').matchAll(/([A-Za-z0-9][-A-Za-z0-9]*)(?:\.([A-Za-z]+))?/g)]
        .map((m) => m[1])
        .filter((n) => !(RESULTS as readonly string[]).includes(n)),
    ),
  ];
}

/** `depends` with each operand replaced by the dependency's result, evaluated (only &&, ||, !, parentheses) */
function evalDepends(expr: string, phases: Record<string, Phase>): boolean {
  const js = expr.replace(/([A-Za-z0-9][-A-Za-z0-9]*)(?:\.([A-Za-z]+))?/g, (_, name: string, result?: string) => {
    const p = phases[name];
    if (!result) return String(p === 'Succeeded' || p === 'Skipped');
    if (!(RESULTS as readonly string[]).includes(result)) throw new Error(`depends: unknown result ${result}`);
    return String(result === 'Errored' ? p === 'Error' : p === result);
  });
  if (!/^[truefals()&|! ]*$/.test(js)) throw new Error(`depends: cannot evaluate ${expr}`);
  return Boolean(new Function(`return (${js});`)());
}

/** `when` of the forms the template uses: `'a' == 'b'` terms joined by && */
function evalWhen(expr: string): boolean {
  return expr.split('&&').every((term) => {
    const m = /^\s*'([^']*)'\s*==\s*'([^']*)'\s*$/.exec(term);
    if (!m) throw new Error(`when: cannot evaluate ${term}`);
    return m[1] === m[2];
  });
}

export function simulateDag(
  tasks: SimTask[],
  params: Record<string, string>,
  outcome: (task: string) => 'Succeeded' | 'Failed' | 'Error',
): { phases: Record<string, Phase>; dagPhase: Phase; unresolved: string[] } {
  const phases: Record<string, Phase> = {};
  const unresolved: string[] = [];
  const byName = new Map(tasks.map((t) => [t.name, t]));
  // `dependencies`: each must have succeeded or been skipped, or failed with continueOn (ancestry.go expandDependency)
  const dependenciesMet = (t: SimTask) =>
    (t.dependencies ?? []).every(
      (d) => phases[d] === 'Succeeded' || phases[d] === 'Skipped' || (Boolean(byName.get(d)!.continueOn) && (phases[d] === 'Failed' || phases[d] === 'Error')),
    );
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of tasks) {
      if (phases[t.name]) continue;
      const deps = dependsNames(t);
      if (deps.some((d) => !phases[d] || phases[d] === 'Hung')) continue;
      changed = true;
      if (t.depends ? !evalDepends(t.depends, phases) : !dependenciesMet(t)) {
        phases[t.name] = 'Omitted';
        continue;
      }
      if (t.when) {
        const when = t.when
          .replace(/\{\{workflow\.parameters\.([^}]+)\}\}/g, (_, n: string) => params[n])
          .replace(/\{\{tasks\.([^.}]+)\.status\}\}/g, (_, n: string) => phases[n]);
        if (!evalWhen(when)) {
          phases[t.name] = 'Skipped';
          continue;
        }
      }
      const missing = [...JSON.stringify(t.arguments ?? {}).matchAll(/\{\{tasks\.([^.}]+)\.outputs\.parameters\.([^}]+)\}\}/g)]
        .filter((m) => phases[m[1]] !== 'Succeeded')
        .map((m) => `${t.name}: {{tasks.${m[1]}.outputs.parameters.${m[2]}}}`);
      if (missing.length) {
        unresolved.push(...missing);
        phases[t.name] = 'Hung';
        continue;
      }
      phases[t.name] = outcome(t.name);
    }
  }
  for (const t of tasks) phases[t.name] ??= 'Hung';
  if (Object.values(phases).includes('Hung')) return { phases, dagPhase: 'Hung', unresolved };

  // assessDAGPhase: leaves are the targets; an omitted task takes its branch's phase, failures first;
  // a leaf with continueOn does not fail the DAG
  const branch = (name: string): Phase => {
    const p = phases[name];
    if (p !== 'Omitted') return p;
    const parents = dependsNames(byName.get(name)!).map(branch);
    return parents.find((x) => x === 'Failed' || x === 'Error') ?? 'Succeeded';
  };
  const leaves = tasks.filter((t) => !tasks.some((o) => dependsNames(o).includes(t.name)));
  const failed = leaves
    .filter((l) => !l.continueOn)
    .map((l) => branch(l.name))
    .find((p) => p === 'Failed' || p === 'Error');
  return { phases, dagPhase: failed ?? 'Succeeded', unresolved };
}
