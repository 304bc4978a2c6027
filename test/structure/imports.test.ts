import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * The layering (issue 13): `core/` is what the CLIs and the handlers share, and the CDK-free contract
 * (names, stage lists) the CDK app in `lib/` shares with them, so it imports no other layer; the
 * runtime (`core/`, `cli/`, `lambda/`) never imports `lib/` or the CDK, which would put the CDK app
 * into every Lambda bundle and every CLI start; and the local copy is a development tool that only
 * the tests and benchmarks may build on. Every source file's imports are read with TypeScript's own
 * parser and relative ones resolved to files, so a dynamic import() or a require() counts as much
 * as an import statement.
 */

const ROOT = join(__dirname, '..', '..');
const SOURCE_DIRS = ['bin', 'lib', 'lambda', 'core', 'cli', 'local', 'bench', 'test', 'tools'] as const;
/** Generated output and data, not sources. */
const SKIP_DIRS = new Set(['node_modules', 'results', 'cdk.out', 'dist']);
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const RUNTIME = ['core', 'cli', 'lambda'];
const CDK_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

interface Specifier {
  readonly text: string;
  /** Loaded by a call, import() or require(): a bundler cannot tell which of its exports are used. */
  readonly dynamic: boolean;
}

/** Every module specifier a file names: import/export from, import x = require(), import(), require(), import('…') types. */
function moduleSpecifiers(fileName: string, text: string): Specifier[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: Specifier[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ text: node.moduleSpecifier.text, dynamic: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ text: node.moduleReference.expression.text, dynamic: false });
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push({ text: arg.text, dynamic: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ text: node.argument.literal.text, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isImportOrRequire(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : sourceFiles(path);
    return SOURCE_EXTENSIONS.has(extname(e.name)) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A relative specifier as the bundlers resolve it (extensionless, or a directory's index). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, ...[...SOURCE_EXTENSIONS].map((ext) => base + ext), join(base, 'index.ts'), join(base, 'index.js')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

interface Edge {
  /** Repository-relative, with forward slashes. */
  readonly from: string;
  readonly specifier: string;
  /** Repository-relative file for a relative specifier; undefined for a package. */
  readonly to?: string;
  readonly dynamic: boolean;
}

const repoPath = (p: string): string => relative(ROOT, p).split(sep).join('/');
const layerOf = (p: string): string => p.split('/')[0]!;
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const files = SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)));
const unresolved: string[] = [];
const edges: Edge[] = files.flatMap((file) =>
  moduleSpecifiers(file, readFileSync(file, 'utf8')).flatMap(({ text: specifier, dynamic }): Edge[] => {
    const from = repoPath(file);
    if (!specifier.startsWith('.')) return [{ from, specifier, dynamic }];
    const target = resolveRelative(file, specifier);
    if (!target) {
      unresolved.push(`${from} → ${specifier}`);
      return [];
    }
    return [{ from, specifier, to: repoPath(target), dynamic }];
  }),
);

const show = (e: Edge): string => `${e.from} → ${e.to ?? e.specifier}`;
const violations = (broken: (e: Edge) => boolean): string[] => edges.filter(broken).map(show).sort();

test('the parser sees every import form (a form it missed would pass every rule below)', () => {
  const text = [
    "import a from './a';",
    "import type { B } from './b';",
    "import './c';",
    "export { d } from './d';",
    "export * from './e';",
    "import f = require('./f');",
    "const g = await import('./g');",
    "const h = require('./h');",
    "type I = import('./i').I;",
    "const notAnImport = load('./j');",
  ].join('\n');
  const found = moduleSpecifiers('sample.ts', text);
  expect(found.map((s) => s.text)).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', './i']);
  expect(found.filter((s) => s.dynamic).map((s) => s.text)).toEqual(['./g', './h']);
});

test('the scan covers every layer and resolves every relative import', () => {
  for (const dir of ['bin', 'lib', 'lambda', 'core', 'cli', 'local', 'test']) {
    expect(files.some((f) => layerOf(repoPath(f)) === dir)).toBe(true);
  }
  // Known edges, so that a scan that silently found nothing cannot pass.
  expect(edges.some((e) => layerOf(e.from) === 'cli' && e.to !== undefined && layerOf(e.to) === 'core')).toBe(true);
  expect(edges.some((e) => layerOf(e.from) === 'lambda' && e.to !== undefined && layerOf(e.to) === 'core')).toBe(true);
  expect(unresolved).toEqual([]);
});

test('core/ imports neither lib/, cli/, lambda/ nor local/', () => {
  expect(violations((e) => layerOf(e.from) === 'core' && e.to !== undefined && ['lib', 'cli', 'lambda', 'local'].includes(layerOf(e.to)))).toEqual([]);
});

test('the runtime (core/, cli/, lambda/) never imports lib/ or the CDK', () => {
  expect(
    violations(
      (e) => RUNTIME.includes(layerOf(e.from)) && (e.to !== undefined ? layerOf(e.to) === 'lib' : CDK_PACKAGES.includes(packageOf(e.specifier))),
    ),
  ).toEqual([]);
});

test('nothing outside local/, test/ and bench/ imports local/', () => {
  expect(violations((e) => !['local', 'test', 'bench'].includes(layerOf(e.from)) && e.to !== undefined && layerOf(e.to) === 'local')).toEqual([]);
});

test('local/ imports neither tools/, bench/ nor test/ (the drills and their bench wrapper live there instead)', () => {
  expect(violations((e) => layerOf(e.from) === 'local' && e.to !== undefined && ['tools', 'bench', 'test'].includes(layerOf(e.to)))).toEqual([]);
});

test('the runtime names AWS SDK packages in import declarations only, never in import() or require()', () => {
  // A call gives the bundler no export names to keep, so it keeps the package's whole entry: for a
  // client, every operation and its schema (208 KB for SSM), compiled on each run that loads it.
  // Lazy clients come through a module of their own that re-exports what is used (cli/shared/sdk/).
  const sdk = /^@(aws-sdk|smithy)\//;
  expect(violations((e) => RUNTIME.includes(layerOf(e.from)) && e.dynamic && e.to === undefined && sdk.test(e.specifier))).toEqual([]);
  // …and they are still loaded on demand, so start-up does not pay for them either.
  for (const client of ['s3', 'ssm', 'sts', 'dynamodb']) expect(edges.some((e) => e.dynamic && e.to === `cli/shared/sdk/${client}.ts`)).toBe(true);
});
