import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { config, parseConfig } from './config';

describe('configuration (parsed once, with zod)', () => {
  it('chooses the executor in one place: Argo by ARGO_SERVER or SEGFLOW_EXECUTOR, none takes no runs', () => {
    expect(parseConfig({}).executor).toMatchObject({ kind: 'local', takesRuns: true });
    expect(parseConfig({ ARGO_SERVER: 'argo.example:2746' }).executor.kind).toBe('argo');
    expect(parseConfig({ ARGO_SERVER: 'argo.example:2746', SEGFLOW_EXECUTOR: 'local' }).executor.kind).toBe('local');
    expect(parseConfig({ SEGFLOW_EXECUTOR: 'none' }).executor).toMatchObject({ kind: 'local', takesRuns: false });
    expect(parseConfig({ SEGFLOW_EXECUTOR: 'none', ARGO_SERVER: 'a:2746' }).executor).toMatchObject({ kind: 'argo', takesRuns: false });
    expect(() => parseConfig({ SEGFLOW_EXECUTOR: 'argo' })).toThrow(/SEGFLOW_EXECUTOR: argo needs ARGO_SERVER/);
    // an app replica in front of the Argo executor: takes no runs, submits them for Argo, needs no Argo settings
    expect(parseConfig({ SEGFLOW_EXECUTOR: 'none', SEGFLOW_RUNS_ON: 'argo' }).executor).toMatchObject({ kind: 'argo', takesRuns: false });
    expect(parseConfig({ SEGFLOW_EXECUTOR: 'none', SEGFLOW_RUNS_ON: 'argo' }).argo).toBeUndefined();
    expect(() => parseConfig({ SEGFLOW_EXECUTOR: 'local', SEGFLOW_RUNS_ON: 'argo' })).toThrow(/SEGFLOW_RUNS_ON: argo contradicts SEGFLOW_EXECUTOR=local/);
    expect(() => parseConfig({ SEGFLOW_RUNS_ON: 'cluster' })).toThrow(/SEGFLOW_RUNS_ON: expected local or argo/);
  });

  it('has defaults, treats empty values as unset, and names the variable of a bad value (never echoing a secret)', () => {
    const c = parseConfig({ DATABASE_URL: '', S3_BUCKET: 'b', S3_VERSIONED: 'false' });
    expect(c.database).toEqual({
      url: undefined,
      migrateUrl: undefined,
      appRole: 'segflow_app',
      poolMax: Math.max(5, 2 * availableParallelism() + 1),
      prepare: true,
    });
    expect(c.s3).toMatchObject({ bucket: 'b', region: 'us-east-1', forcePathStyle: true, versioned: false });
    expect(c.executor).toMatchObject({ pollMs: 2000, leaseS: 60, shutdownTimeoutS: 20 });
    // the embedded app serves this machine only unless told otherwise
    expect(c.host).toBe('127.0.0.1');
    expect(parseConfig({ SEGFLOW_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(c.executor.healthFile).toBe(`${c.dataDir}/executor-health.json`);
    expect(c.demo).toEqual({ seedExternal: false, run: true });
    expect(() => parseConfig({ DATABASE_POOL_MAX: 'lots' })).toThrow(/configuration: DATABASE_POOL_MAX: .*\(got "lots"\)/);
    expect(() => parseConfig({ SEGFLOW_EXECUTOR: 'k8s' })).toThrow(/SEGFLOW_EXECUTOR: expected local, argo or none/);
    expect(() => parseConfig({ SEGFLOW_DEMO_RUN: 'maybe' })).toThrow(/SEGFLOW_DEMO_RUN: expected true or false/);
    let message = '';
    try {
      parseConfig({ S3_FORCE_PATH_STYLE: 'x', NEXTAUTH_SECRET: 's3cr3t' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/S3_FORCE_PATH_STYLE/);
    expect(message).not.toContain('s3cr3t');
  });

  describe('config()', () => {
    const before = process.env.SEGFLOW_EXECUTOR_LEASE_S;
    afterEach(() => {
      if (before === undefined) delete process.env.SEGFLOW_EXECUTOR_LEASE_S;
      else process.env.SEGFLOW_EXECUTOR_LEASE_S = before;
    });
    it('is cached, and parsed again when the environment changed (tests and the launcher set variables after start)', () => {
      process.env.SEGFLOW_EXECUTOR_LEASE_S = '30';
      const first = config();
      expect(config()).toBe(first);
      process.env.SEGFLOW_EXECUTOR_LEASE_S = '45';
      expect(config().executor.leaseS).toBe(45);
    });
  });
});
