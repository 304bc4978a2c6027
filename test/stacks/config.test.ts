import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES, LOG_RETENTION_DAYS, environmentConfigSchema, loadEnvironmentConfig } from '../../lib/config';
import type * as ConfigModule from '../../lib/config';
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

/** Values CloudFormation accepts only from a fixed list or range fail at synth, not at deploy. */
describe('config values CloudFormation accepts only from a fixed list are validated at synth', () => {
  const ALLOWED = '1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653';

  test('log retention: every period CloudWatch Logs accepts validates, and only those', () => {
    // The literal list from the CloudWatch Logs API reference, not read from lib/config.ts.
    expect(LOG_RETENTION_DAYS.join(', ')).toBe(ALLOWED);
    for (const d of ALLOWED.split(', ').map(Number)) {
      expect(environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('dev'), logRetentionDays: d }).success).toBe(true);
    }
  });

  test.each([10, 0, -7, 31, 3654, 14.5])('log retention of %s days is refused with a message naming the allowed values', (days) => {
    const r = environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('dev'), logRetentionDays: days });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['logRetentionDays', `must be one of the retention periods CloudWatch Logs accepts (days): ${ALLOWED}`],
    ]);
  });

  test.each([
    [127, 'must be at least 128 MB'],
    [10241, 'must be at most 10240 MB'],
    [512.5, 'must be a whole number of MB'],
  ])('processor memory of %s MB (outside what Lambda accepts) is refused', (mb, message) => {
    const r = environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('dev'), processorMemoryMb: mb });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['processorMemoryMb']);
    expect(r.error?.issues[0]?.message).toContain(message);
  });

  test('bin/app.ts exits 3 with one clear line when a log retention is not an accepted value', () => {
    class Exit extends Error {
      constructor(readonly code: number | string | null | undefined) {
        super(`process.exit(${String(code)})`);
      }
    }
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Exit(code);
    });
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      let thrown: unknown;
      jest.isolateModules(() => {
        // The real schema and message formatting, fed dev's settings with one invalid value.
        jest.doMock('../../lib/config', () => {
          const actual = jest.requireActual<typeof ConfigModule>('../../lib/config');
          return {
            ...actual,
            loadEnvironmentConfig: (name: string) => actual.parseEnvironmentConfig('dev', { ...actual.loadEnvironmentConfig(name), logRetentionDays: 10 }),
          };
        });
        try {
          // bin/app.ts runs on load, as `cdk synth` runs it; a require is the only synchronous way in.
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          require('../../bin/app');
        } catch (err) {
          thrown = err;
        }
      });
      expect(thrown).toBeInstanceOf(Exit);
      expect((thrown as Exit).code).toBe(3);
      expect(error.mock.calls).toEqual([
        [`error: invalid configuration for environment "dev": logRetentionDays: must be one of the retention periods CloudWatch Logs accepts (days): ${ALLOWED}`],
      ]);
    } finally {
      exit.mockRestore();
      error.mockRestore();
      jest.dontMock('../../lib/config');
    }
  });
});
