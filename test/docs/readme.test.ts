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

/** Rows of the Markdown table between `<!-- name:start -->` and `<!-- name:end -->`, as cells. */
function tableRows(name: string): string[][] {
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  expect(start).toBeGreaterThan(-1);
  return readme
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
    .slice(1)
    .map((l) => l.slice(2, -2).split(' | '));
}

test('README logical-store table is the code’s list, each with its prefix, lifecycle rule and the pipelines whose prefixes it holds', async () => {
  const { LOGICAL_STORES, storePrefix } = await import('../../core/logical-stores');
  const { DESCRIPTORS } = await import('../../core/pipelines');
  const { seedLifecycleRules } = await import('../../lib/stacks/storage-stack');
  const rows = tableRows('logical-stores');
  expect(rows.map((r) => r[0])).toEqual(LOGICAL_STORES.map((s) => `\`${s}\``));
  for (const [name, livesAt, lifecycle, pipelines] of rows) {
    const store = name!.replace(/`/g, '');
    expect(livesAt).toBe(`\`<bucket>/${storePrefix(store)}\``);
    const rule = seedLifecycleRules().find((r) => r.prefix === storePrefix(store));
    expect(lifecycle!.startsWith(rule ? `${rule.id}:` : '—')).toBe(true);
    const fires = [...new Set(DESCRIPTORS.filter((d) => [...(d.objects.read ?? []), ...(d.objects.list ?? [])].some((p) => p.startsWith(storePrefix(store)))).map((d) => d.handler))];
    expect(pipelines!.startsWith('—') ? [] : pipelines!.split(', ')).toEqual(fires);
  }
});

test('README limits are the constants the code enforces', async () => {
  const { MAX_COLUMNS } = await import('../../lambda/csv/insights');
  const { MAX_RECORD_BYTES } = await import('../../lambda/csv/analyze');
  const { MAX_DOCUMENT_BYTES } = await import('../../lambda/fanout/stages');
  const { MAX_COMPONENT_BYTES } = await import('../../lambda/scenarios/codegen');
  const { MAX_BATCH_OBJECT_BYTES } = await import('../../lambda/batch/hourly');
  const { MAX_ITEM_BYTES } = await import('../../core/kvstore-size');
  const { MAX_PRESIGN_SECONDS } = await import('../../cli/blob/commands/presign');
  const bytes = (n: number) => (n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n / 1024} KiB`);
  const constants: Record<string, string> = {
    MAX_COLUMNS: String(MAX_COLUMNS),
    MAX_RECORD_BYTES: bytes(MAX_RECORD_BYTES),
    MAX_DOCUMENT_BYTES: bytes(MAX_DOCUMENT_BYTES),
    MAX_COMPONENT_BYTES: bytes(MAX_COMPONENT_BYTES),
    MAX_BATCH_OBJECT_BYTES: bytes(MAX_BATCH_OBJECT_BYTES),
    MAX_ITEM_BYTES: bytes(MAX_ITEM_BYTES),
    MAX_PRESIGN_SECONDS: `${MAX_PRESIGN_SECONDS / 86_400} days`,
  };
  const rows = tableRows('limits');
  expect(rows.map((r) => r[2]!.match(/^`(\w+)`/)?.[1]).sort()).toEqual(Object.keys(constants).sort());
  for (const r of rows) {
    const [, file] = r[2]!.match(/, `([^`]+)`$/)!;
    const constant = r[2]!.match(/^`(\w+)`/)![1]!;
    expect({ constant, value: r[1] }).toEqual({ constant, value: constants[constant] });
    expect(readFileSync(join(ROOT, file!), 'utf8')).toMatch(new RegExp(`export const ${constant} =`));
  }
});

test('the README exit-code table has exactly the codes the CLIs define', async () => {
  const { EXIT } = await import('../../cli/shared/cli-errors');
  const start = readme.indexOf('### Exit codes');
  const rows = readme
    .slice(start, readme.indexOf('\n#', start + 1))
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) => l.split(' | ').slice(0, 2).join(' | ').replace(/^\| /, ''));
  expect(rows.sort()).toEqual(Object.entries(EXIT).map(([name, code]) => `${code} | ${name}`).sort());
});
