import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EU_CENTRAL_1_PRICES, costTable, lifecycleRulesFromCfn } from '../../lib/cost/lifecycle-cost';
import { storageBucketProperties } from '../../tools/cost';

/** The README is the front door: the parts of it that are generated or contractual stay true. */
const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('README cost table equals `npm run cost` over the synthesized lifecycle rules', () => {
  const start = readme.indexOf('<!-- cost-table:start -->');
  const end = readme.indexOf('<!-- cost-table:end -->');
  expect(start).toBeGreaterThan(-1);
  const inReadme = readme.slice(start + '<!-- cost-table:start -->'.length, end).trim();
  expect(inReadme).toBe(costTable(lifecycleRulesFromCfn(storageBucketProperties()), EU_CENTRAL_1_PRICES).trim());
});

test('README names the two quick-start commands and the test command CI runs', () => {
  expect(readme).toContain('npm run local');
  expect(readme).toContain('npm test');
  expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
});

test('README deploy section matches the workflows: OIDC role, diff on pull requests, dev → staging → prod', () => {
  const deploy = readFileSync(join(ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8');
  const pr = readFileSync(join(ROOT, '.github', 'workflows', 'pr.yml'), 'utf8');
  const deployEnv = readFileSync(join(ROOT, '.github', 'workflows', 'deploy-env.yml'), 'utf8');
  for (const env of ['dev', 'staging', 'prod']) expect(deploy).toMatch(new RegExp(`environment: ${env}`));
  expect(deployEnv).toContain('role-to-assume');
  expect(pr).toMatch(/cdk diff/);
  expect(readme).toContain('npx cdk deploy --all -c env=prod');
  expect(readme).toContain('npx cdk bootstrap aws://ACCOUNT/eu-central-1 aws://ACCOUNT/us-west-2');
  expect(readme).toMatch(/`pr.yml`.*cdk diff/s);
  expect(readme).toMatch(/`deploy.yml`.*dev, then staging,\s+then prod/s);
  expect(readme).toContain('role-to-assume');
});

test('every exit code the CLIs define is documented in the README', async () => {
  const { EXIT } = await import('../../cli/shared/cli-errors');
  for (const [name, code] of Object.entries(EXIT)) {
    expect(readme).toMatch(new RegExp(`\\| ${code} \\| ${name} \\|`));
  }
});
