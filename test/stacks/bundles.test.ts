import { parse } from 'acorn';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readAssembly } from '../../local/provision/assembly';
import { synthEnvironment } from '../../local/provision/synth';

/**
 * Every Lambda bundle carries its dependencies, the AWS SDK included (lib/constructs/event-function.ts
 * marks nothing external): the SDK version is the one package-lock pins, wherever the bundle runs.
 * Uses the dev assembly the local copy caches in .local/cdk.out-dev (synthesized on a cache miss).
 */

/** 1 MB = 1,000,000 bytes, for index.js alone: the code Lambda loads at init. */
const MAX_BUNDLE_BYTES = 1_000_000;
/** The source map is read only when a stack trace is mapped; without sourcesContent it stays near the bundle's size. */
const MAX_SOURCE_MAP_BYTES = 2_000_000;

interface FunctionAsset {
  /** Stack/logical id of the AWS::Lambda::Function. */
  readonly id: string;
  readonly dir: string;
}

function functionAssets(cdkOut: string): FunctionAsset[] {
  const assets: FunctionAsset[] = [];
  for (const stack of readAssembly(cdkOut)) {
    // CDK's own custom-resource providers (S3 auto-delete in dev/staging) are not our bundles: their
    // code is CDK's and uses the Lambda runtime's SDK.
    const providers = new Set(
      Object.values(stack.template.Resources)
        .filter((r) => r.Type.startsWith('Custom::'))
        .map((r) => JSON.stringify(r.Properties?.ServiceToken ?? '').match(/"Fn::GetAtt":\["([^"]+)"/)?.[1]),
    );
    for (const [logicalId, res] of Object.entries(stack.template.Resources)) {
      if (res.Type !== 'AWS::Lambda::Function' || providers.has(logicalId)) continue;
      const assetPath = res.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') throw new Error(`${stack.name}/${logicalId}: no aws:asset:path metadata`);
      assets.push({ id: `${stack.name}/${logicalId}`, dir: join(stack.assemblyDir, assetPath) });
    }
  }
  return assets;
}

interface AstNode {
  readonly type: string;
  readonly [key: string]: unknown;
}

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/**
 * The module names of every `require("…")` call in the code. Parsed, not grepped: the SDK's error
 * messages quote `require("@aws-sdk/signature-v4-crt")` inside strings. Iterative, because minified
 * string concatenations nest deeper than the call stack allows.
 */
function requiredModules(code: string): Set<string> {
  const found = new Set<string>();
  const stack: unknown[] = [parse(code, { ecmaVersion: 'latest', sourceType: 'script' })];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
      continue;
    }
    if (!isNode(node)) continue;
    if (node.type === 'CallExpression') {
      const callee = node.callee as AstNode;
      const args = node.arguments as AstNode[];
      if (callee.type === 'Identifier' && callee.name === 'require' && args[0]?.type === 'Literal' && typeof args[0].value === 'string') {
        found.add(args[0].value);
      }
    }
    for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) stack.push(value);
  }
  return found;
}

describe('Lambda bundles', () => {
  let assets: FunctionAsset[] = [];

  beforeAll(async () => {
    const { dir } = await synthEnvironment('dev');
    assets = functionAssets(dir);
  }, 240_000);

  test('every function has a bundle', () => {
    // One per lambda/*.ts handler; a new pipeline adds one.
    expect(assets.length).toBeGreaterThanOrEqual(12);
    for (const a of assets) expect(existsSync(join(a.dir, 'index.js'))).toBe(true);
  });

  test('each index.js is under 1 MB and its source map is names and mappings only', () => {
    const sizes = assets.map((a) => ({ id: a.id, bytes: statSync(join(a.dir, 'index.js')).size }));
    expect(sizes.filter((s) => s.bytes >= MAX_BUNDLE_BYTES)).toEqual([]);
    for (const a of assets) {
      const map = join(a.dir, 'index.js.map');
      expect(statSync(map).size).toBeLessThan(MAX_SOURCE_MAP_BYTES);
      expect(JSON.parse(readFileSync(map, 'utf8'))).not.toHaveProperty('sourcesContent');
    }
  });

  test('no bundle requires anything but node built-ins (no @aws-sdk or @smithy left to the runtime)', () => {
    const unresolved = assets.flatMap((a) =>
      [...requiredModules(readFileSync(join(a.dir, 'index.js'), 'utf8'))].filter((m) => !isBuiltin(m)).map((m) => `${a.id}: ${m}`),
    );
    expect(unresolved).toEqual([]);
  });

  test('every bundle loads in an empty directory outside the repo, with no node_modules to fall back on', () => {
    const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'blob-bundles-')));
    try {
      // Node would also search every ancestor's node_modules: the proof needs none to exist.
      for (let d = tmp; ; d = dirname(d)) {
        expect(existsSync(join(d, 'node_modules'))).toBe(false);
        if (d === dirname(d)) break;
      }
      const files = assets.map((a, i) => {
        const dir = join(tmp, String(i));
        mkdirSync(dir);
        copyFileSync(join(a.dir, 'index.js'), join(dir, 'index.js'));
        copyFileSync(join(a.dir, 'index.js.map'), join(dir, 'index.js.map'));
        return join(dir, 'index.js');
      });
      const script = `process.stdout.write(JSON.stringify(${JSON.stringify(files)}.map((f) => typeof require(f).handler)))`;
      const r = spawnSync(process.execPath, ['--enable-source-maps', '-e', script], {
        cwd: tmp,
        encoding: 'utf8',
        // No NODE_PATH, and HOME inside the temp dir so ~/.node_modules cannot serve a module either.
        env: { PATH: process.env.PATH ?? '', HOME: tmp, AWS_REGION: 'eu-central-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeout: 60_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(assets.map(() => 'function'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
