/**
 * Smoke test of the zero-config path: `segflow start` with no DATABASE_URL / S3 settings, on a fresh
 * data dir. Health must answer 200, every demo user must sign in through next-auth, the executor must
 * run as its own process (its health file, `segflow executor --check`), a second start must keep the
 * data of the first (the demo API tokens still work), and the demo run must finish through that
 * executor. Ports: SMOKE_PORT, SMOKE_PG_PORT, SMOKE_S3_PORT (to run beside other instances).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const PORT = Number(process.env.SMOKE_PORT ?? 3200);
const PG_PORT = Number(process.env.SMOKE_PG_PORT ?? 54349);
const S3_PORT = Number(process.env.SMOKE_S3_PORT ?? 4589);
const BASE = `http://localhost:${PORT}`;
const DATA = join(process.cwd(), '.data', 'smoke');
const DEMO = {
  researcher: 'demo-researcher',
  reviewer: 'demo-reviewer',
  operator: 'demo-operator',
  admin: 'demo-admin',
} as const;

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? '✓' : '✗'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function start(): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SEGFLOW_DATA_DIR: DATA,
    SEGFLOW_PG_PORT: String(PG_PORT),
    SEGFLOW_S3_PORT: String(S3_PORT),
    NEXTAUTH_URL: BASE,
  };
  for (const k of [
    'DATABASE_URL',
    'S3_ENDPOINT',
    'S3_BUCKET',
    'S3_KMS_KEY_ID',
    'SEGFLOW_DEMO',
    'NEXTAUTH_SECRET',
    'SEGFLOW_EXECUTOR',
    'SEGFLOW_EXECUTOR_HEALTH_FILE',
    'ARGO_SERVER',
  ])
    delete env[k];
  return spawn(process.execPath, ['bin/segflow.mjs', 'start', '--port', String(PORT)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function waitHealthy(child: ChildProcess): Promise<number> {
  for (let i = 0; i < 900 && child.exitCode === null; i++) {
    try {
      const res = await fetch(`${BASE}/api/health`);
      if (res.status === 200) return 200;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return -1;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** next-auth credentials sign-in over HTTP: csrf token, callback, then the session. */
async function signIn(email: string, password: string): Promise<string | null> {
  const csrfRes = await fetch(`${BASE}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookies = (csrfRes.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]);
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  const all = [...cookies, ...(res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0])];
  const session = await fetch(`${BASE}/api/auth/session`, { headers: { cookie: all.join('; ') } });
  const body = (await session.json()) as { user?: { email?: string } };
  return body.user?.email ?? null;
}

type DemoRun = { status: string; error: string | null; manifestKey: string | null };

/** polls the demo project's runs until the first one is finished (about a minute on two CPU cores) */
async function waitDemoRun(token: string): Promise<DemoRun | null> {
  let last: DemoRun | null = null;
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${BASE}/api/projects/demo/runs`, { headers: { authorization: `Bearer ${token}` } });
    if (res.ok) {
      last = ((await res.json()) as { runs: DemoRun[] }).runs[0] ?? null;
      if (last && (last.status === 'succeeded' || last.status === 'failed')) return last;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last;
}

/** `segflow executor --check` on the smoke data dir: the executor's health file, as a liveness probe reads it */
function executorCheck(): { live: boolean; health: { pid: number; state: string } | null } {
  const res = spawnSync(process.execPath, ['bin/segflow.mjs', 'executor', '--check'], { env: { ...process.env, SEGFLOW_DATA_DIR: DATA }, encoding: 'utf8' });
  try {
    return JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    return { live: false, health: null };
  }
}

const processAlive = (pid: number): boolean => existsSync(`/proc/${pid}`);

async function portAnswers(): Promise<boolean> {
  try {
    await fetch(`${BASE}/api/health`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  if (await portAnswers()) {
    console.log(`smoke: something already answers on ${BASE}; stop it first`);
    process.exit(1);
  }
  rmSync(DATA, { recursive: true, force: true });
  let app = start();
  try {
    check('health 200 on embedded defaults', (await waitHealthy(app)) === 200);
    for (const [role, password] of Object.entries(DEMO)) {
      const email = `${role}@demo.segflow`;
      check(`${role} signs in`, (await signIn(email, password)) === email);
    }
    check('a wrong password is refused', (await signIn('admin@demo.segflow', 'wrong')) === null);
    const tokens = JSON.parse(readFileSync(join(DATA, 'demo-tokens.json'), 'utf8')) as Record<string, string>;
    const before = await fetch(`${BASE}/api/tokens`, { headers: { authorization: `Bearer ${tokens.researcher}` } });
    check('demo token works', before.status === 200, `status ${before.status}`);
    const exec = executorCheck();
    check(
      'the executor runs as its own process (segflow executor --check)',
      exec.live && exec.health !== null && exec.health.pid !== app.pid,
      JSON.stringify(exec.health),
    );
    await stop(app);
    check('SIGTERM stops the app and frees the port', !(await portAnswers()));
    check('SIGTERM stops the executor process too', exec.health !== null && !processAlive(exec.health.pid) && executorCheck().health?.state === 'stopped');

    app = start();
    check('second start is healthy', (await waitHealthy(app)) === 200);
    const after = await fetch(`${BASE}/api/tokens`, { headers: { authorization: `Bearer ${tokens.researcher}` } });
    check('second start keeps the data of the first', after.status === 200, `status ${after.status}`);
    // the demo run queued at the first start (and cut off by its stop, perhaps) finishes on this one
    const run = await waitDemoRun(tokens.researcher);
    check(
      'the demo run finishes through the executor process',
      run?.status === 'succeeded',
      run ? `${run.status}${run.error ? `: ${run.error}` : ''}` : 'no run listed',
    );
    check('the demo run has a signed manifest', Boolean(run?.manifestKey), run?.manifestKey ?? '');
  } finally {
    await stop(app);
  }
  console.log(`smoke: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
