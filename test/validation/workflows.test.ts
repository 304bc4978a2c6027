import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../stacks/app-fixture';

/**
 * The CI workflows users copy: linted by actionlint (the real linter, pinned, built by
 * tools/ensure-actionlint.sh) and checked for the properties issue 7 promises.
 */

const WORKFLOWS = join(ROOT, '.github', 'workflows');
const ACTIONLINT = join(ROOT, '.venv', 'bin', 'actionlint');

type Json = Record<string, unknown>;
interface Job extends Json {
  needs?: string | string[];
  uses?: string;
  with?: Json;
  steps?: Array<{ uses?: string; run?: string; with?: Json }>;
  permissions?: Json;
  environment?: string;
}
interface Workflow {
  on: Json;
  permissions?: Json;
  jobs: Record<string, Job>;
}

/** YAML parsed by PyYAML from the project venv (cfn-lint depends on it), so no parser is hand-written. */
function load(file: string): Workflow {
  const out = execFileSync(join(ROOT, '.venv', 'bin', 'python'), ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', join(WORKFLOWS, file)], {
    encoding: 'utf8',
  });
  // PyYAML reads the bare key `on` as the boolean true.
  const parsed = JSON.parse(out) as Json;
  return { ...(parsed as unknown as Workflow), on: (parsed.on ?? parsed.true) as Json };
}

function actionlint(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(ACTIONLINT, ['-no-color', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

beforeAll(() => {
  execFileSync('bash', [join(ROOT, 'tools', 'ensure-actionlint.sh')], { stdio: 'inherit' });
}, 300_000);

describe('actionlint', () => {
  test('every workflow under .github/workflows lints clean', () => {
    const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));
    expect(files.sort()).toEqual(['deploy-env.yml', 'deploy.yml', 'pr.yml']);
    expect(actionlint(files.map((f) => join(WORKFLOWS, f)))).toEqual({ status: 0, out: '' });
  });

  test('the linter really rejects a broken workflow (undefined matrix key, unknown permission)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blob-actionlint-'));
    try {
      const file = join(dir, 'broken.yml');
      writeFileSync(file, 'on: push\npermissions:\n  id-tokens: write\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: echo hi\n');
      const r = actionlint([file]);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/id-tokens/);
      expect(r.out).toMatch(/matrix/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy workflow', () => {
  const deploy = load('deploy.yml');
  const env = load('deploy-env.yml');

  test('runs on pushes to main and gates on the same command as CI (.ci/run)', () => {
    expect((deploy.on.push as Json).branches).toEqual(['main']);
    expect(deploy.jobs.test?.steps?.map((s) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
  });

  test('promotes dev, then staging, then prod, each after the previous one', () => {
    const chain = ['dev', 'staging', 'prod'].map((name) => ({ name, job: deploy.jobs[name] }));
    expect(chain.map((c) => [c.job?.uses, c.job?.with?.environment])).toEqual([
      ['./.github/workflows/deploy-env.yml', 'dev'],
      ['./.github/workflows/deploy-env.yml', 'staging'],
      ['./.github/workflows/deploy-env.yml', 'prod'],
    ]);
    expect(chain.map((c) => c.job?.needs)).toEqual(['test', 'dev', 'staging']);
  });

  test('each deployment runs in its GitHub environment (prod: required reviewers = manual approval)', () => {
    expect(env.jobs.deploy?.environment).toBe('${{ inputs.environment }}');
  });

  test('AWS credentials come from OIDC role assumption, never from stored keys', () => {
    expect(env.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const name of ['dev', 'staging', 'prod']) expect(deploy.jobs[name]?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const creds = env.jobs.deploy?.steps?.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds?.with).toEqual(expect.objectContaining({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}', 'aws-region': 'eu-central-1' }));
    for (const wf of ['deploy.yml', 'deploy-env.yml', 'pr.yml']) expect(JSON.stringify(load(wf))).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\.AWS/);
  });

  test('deploys both regions of the environment with one `cdk deploy --all -c env=<name>`', () => {
    const run = env.jobs.deploy?.steps?.map((s) => s.run ?? '').join('\n');
    expect(run).toContain('npx cdk deploy --all -c env="${{ inputs.environment }}" --require-approval never');
  });
});

describe('pull-request workflow', () => {
  const pr = load('pr.yml');

  test('gates on .ci/run and diffs every environment after the gate passes', () => {
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.jobs.test?.steps?.map((s) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
    expect(pr.jobs.diff?.needs).toBe('test');
    expect((pr.jobs.diff?.strategy as { matrix: Json }).matrix.environment).toEqual(['dev', 'staging', 'prod']);
  });

  test('posts `cdk diff` on the pull request using OIDC credentials', () => {
    const steps = pr.jobs.diff?.steps ?? [];
    expect(pr.jobs.diff?.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume']).toBe('${{ vars.AWS_DIFF_ROLE_ARN }}');
    expect(steps.map((s) => s.run ?? '').join('\n')).toMatch(/npx cdk diff --all -c env="\$\{\{ matrix.environment \}\}"/);
    const post = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(String(post?.with?.script)).toMatch(/createComment/);
    expect(String(post?.with?.script)).toMatch(/updateComment/);
  });
});
