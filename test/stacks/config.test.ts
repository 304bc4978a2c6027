import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES, environmentConfigSchema, loadEnvironmentConfig } from '../../lib/config';
import { ROOT } from './app-fixture';

describe('environment configuration', () => {
  test('`npx cdk synth -c env=nope` fails and names dev, staging and prod', () => {
    const out = mkdtempSync(join(tmpdir(), 'blob-nope-'));
    try {
      const r = spawnSync('npx', ['cdk', 'synth', '-c', 'env=nope', '--no-notices', '-o', out], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      });
      expect(r.status).not.toBe(0);
      const msg = r.stderr + r.stdout;
      expect(msg).toMatch(/unknown environment "nope": use one of dev, staging, prod/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);

  test('exactly dev, staging and prod exist, and each one validates', () => {
    expect([...ENVIRONMENT_NAMES]).toEqual(['dev', 'staging', 'prod']);
    for (const name of ENVIRONMENT_NAMES) expect(loadEnvironmentConfig(name).name).toBe(name);
  });

  test('every environment replicates from eu-central-1 to us-west-2', () => {
    for (const name of ENVIRONMENT_NAMES) {
      expect(loadEnvironmentConfig(name)).toEqual(expect.objectContaining({ primaryRegion: 'eu-central-1', replicaRegion: 'us-west-2' }));
    }
  });

  test('a malformed account id injected by CI is rejected with the field and the rule', () => {
    expect(() => loadEnvironmentConfig('prod', { account: '12345' })).toThrow(
      'invalid configuration for environment "prod": account: must be a 12-digit AWS account id',
    );
  });

  test('a malformed notification e-mail is rejected naming the field', () => {
    expect(() => loadEnvironmentConfig('dev', { notificationEmail: 'ops-at-example' })).toThrow(/notificationEmail/);
  });

  test('empty overrides are ignored rather than failing validation', () => {
    expect(loadEnvironmentConfig('dev', { account: '', notificationEmail: '' }).account).toBeUndefined();
    expect(loadEnvironmentConfig('dev', { account: '123456789012' }).account).toBe('123456789012');
  });

  test('the schema refuses a replica region equal to the primary region', () => {
    const r = environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('dev'), replicaRegion: 'eu-central-1' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('replicaRegion must differ from primaryRegion');
  });

  test('the schema refuses a region that is not an AWS region name', () => {
    const r = environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('dev'), primaryRegion: 'frankfurt' });
    expect(JSON.stringify(r.error?.issues)).toContain('must be an AWS region such as eu-central-1');
  });
});
