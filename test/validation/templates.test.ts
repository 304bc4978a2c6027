import { Validations } from 'aws-cdk-lib';
import { ServerlessChecks } from 'cdk-nag';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../lib/config';
import { ROOT, buildEnv } from '../stacks/app-fixture';

/**
 * Every template of dev, staging and prod, synthesized once with real esbuild bundling into one
 * cloud-assembly directory (so bundles are shared between environments), then checked by cdk-nag
 * (AwsSolutions and Serverless, during synthesis), cfn-lint and checkov (one run over all templates).
 */

const run = promisify(execFile);
const VENV_BIN = join(ROOT, '.venv', 'bin');

interface Finding {
  readonly rule: string;
  readonly path: string;
}
interface Acknowledgement {
  readonly env: EnvironmentName;
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}
interface CfnLintMatch {
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Rule: { readonly Id: string };
}
interface CheckovCheck {
  readonly check_id: string;
  readonly resource: string;
  readonly file_path: string;
  readonly check_name?: string;
}
interface CheckovReport {
  readonly summary: { passed: number; failed: number; skipped: number; parsing_errors: number; resource_count: number };
  readonly results: { failed_checks: CheckovCheck[]; skipped_checks?: CheckovCheck[] };
}

/** cfn-lint warnings accepted for every template, each with its reason. Errors are never accepted. */
const CFN_LINT_ACCEPTED_WARNINGS: ReadonlyArray<{ id: string; reason: string }> = [
  {
    id: 'W3005',
    reason:
      'CDK adds an explicit DependsOn from each function to its role and role policy so the function is never created ' +
      'before its permissions exist; the role part is redundant with the GetAtt, which is harmless.',
  },
];

const outdir = mkdtempSync(join(tmpdir(), 'blob-validation-'));
const templatesDir = join(outdir, 'templates');
const nagFindings = new Map<EnvironmentName, Finding[]>();
const synthErrors = new Map<EnvironmentName, string>();
const acknowledgements: Acknowledgement[] = [];
let templateFiles: string[] = [];
let cfnLint: CfnLintMatch[] = [];
let checkov: CheckovReport[] = [];

/** cdk-nag packs whose findings count (plugin names in CDK's validation report). */
const NAG_PACKS = ['AwsSolutions', 'Serverless'];

function readNagReport(): Finding[] {
  const file = join(outdir, 'assembly', 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
  };
  rmSync(file);
  return report.pluginReports
    .filter((p) => NAG_PACKS.includes(p.pluginName))
    .flatMap((p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath }))));
}

beforeAll(async () => {
  for (const env of ENVIRONMENT_NAMES) {
    const { app } = buildEnv(env, { nag: true, outdir: join(outdir, 'assembly') });
    Validations.of(app).addPlugins(new ServerlessChecks(app, { verbose: true }));
    try {
      app.synth();
    } catch (err) {
      synthErrors.set(env, (err as Error).message);
    }
    nagFindings.set(env, readNagReport());
    for (const c of app.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
          acknowledgements.push({ env, path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
        }
      }
    }
  }
  mkdirSync(templatesDir);
  templateFiles = readdirSync(join(outdir, 'assembly')).filter((f) => f.endsWith('.template.json'));
  for (const f of templateFiles) copyFileSync(join(outdir, 'assembly', f), join(templatesDir, f));

  // Both scanners at once: they are independent and each is mostly start-up time.
  const lint = run(join(VENV_BIN, 'cfn-lint'), ['--format', 'json', '--regions', 'eu-central-1', 'us-west-2', '--', ...templateFiles.map((f) => join(templatesDir, f))], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { stdout?: string; code?: number }) => {
    // cfn-lint exits non-zero when it finds anything; its JSON is still on stdout.
    if (typeof err.stdout === 'string' && err.stdout.trim().startsWith('[')) return { stdout: err.stdout };
    throw err;
  });
  const scan = run(
    join(VENV_BIN, 'checkov'),
    ['-d', templatesDir, '--framework', 'cloudformation', '--compact', '--skip-download', '-o', 'json'],
    { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' } },
  ).catch((err: { stdout?: string }) => {
    if (typeof err.stdout === 'string' && err.stdout.trim().length > 0) return { stdout: err.stdout };
    throw err;
  });
  const [lintOut, scanOut] = await Promise.all([lint, scan]);
  cfnLint = JSON.parse(lintOut.stdout) as CfnLintMatch[];
  const parsed = JSON.parse(scanOut.stdout) as CheckovReport | CheckovReport[];
  checkov = Array.isArray(parsed) ? parsed : [parsed];
}, 600_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('synthesis of every environment', () => {
  test('all four stacks of dev, staging and prod synthesize', () => {
    expect(Object.fromEntries(synthErrors)).toEqual({});
    for (const env of ENVIRONMENT_NAMES) {
      for (const stack of ['ReplicaStorage', 'Storage', 'Pipelines', 'ReplicaPipelines']) {
        expect(templateFiles).toContain(`Blob-${env}-${stack}.template.json`);
      }
    }
  });
});

describe('cdk-nag AwsSolutions and Serverless (v3) on every stack', () => {
  test.each([...ENVIRONMENT_NAMES])('%s: zero unacknowledged findings', (env) => {
    expect(nagFindings.get(env)).toEqual([]);
  });

  test('every acknowledgement is attached to a resource (not a stack or the app) and gives a reason a reviewer can check', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const a of acknowledgements) {
      expect(a.path.split('/').length).toBeGreaterThan(2);
      expect(a.reason.length).toBeGreaterThanOrEqual(80);
    }
  });
});

describe('cfn-lint over every template', () => {
  test('zero errors', () => {
    expect(templateFiles.length).toBe(12);
    expect(cfnLint.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Filename}: ${m.Message}`)).toEqual([]);
  });

  test('zero warnings other than the accepted, justified ones', () => {
    const accepted = new Set(CFN_LINT_ACCEPTED_WARNINGS.map((w) => w.id));
    expect(cfnLint.filter((m) => !accepted.has(m.Rule.Id)).map((m) => `${m.Level} ${m.Rule.Id} ${m.Filename}: ${m.Message}`)).toEqual([]);
  });
});

describe('checkov over all templates of all three environments (one run)', () => {
  test('every template parsed, zero failed checks', () => {
    const summary = checkov.map((r) => r.summary);
    expect(summary.every((s) => s.parsing_errors === 0)).toBe(true);
    expect(summary.reduce((n, s) => n + s.passed, 0)).toBeGreaterThan(100);
    const failed = checkov.flatMap((r) => r.results.failed_checks).map((c) => `${c.check_id} ${c.resource} ${c.file_path}`);
    expect(failed).toEqual([]);
  });

  test('every skipped check is an inline skip on its resource with a written reason', () => {
    const skips = new Map<string, string>();
    for (const f of templateFiles) {
      const t = JSON.parse(readFileSync(join(templatesDir, f), 'utf8')) as { Resources?: Record<string, { Metadata?: { checkov?: { skip?: Array<{ id: string; comment?: string }> } } }> };
      for (const [logicalId, r] of Object.entries(t.Resources ?? {})) {
        for (const s of r.Metadata?.checkov?.skip ?? []) skips.set(`${f}:${logicalId}:${s.id}`, s.comment ?? '');
      }
    }
    for (const reason of skips.values()) expect(reason.length).toBeGreaterThanOrEqual(80);
    const skipped = checkov.flatMap((r) => r.results.skipped_checks ?? []);
    expect(skipped.length).toBe(skips.size);
    for (const c of skipped) {
      const [type, logicalId] = c.resource.split('.');
      expect(type).toMatch(/^AWS::/);
      expect(skips.get(`${c.file_path.replace(/^\//, '')}:${logicalId}:${c.check_id}`)).toBeDefined();
    }
  });
});
