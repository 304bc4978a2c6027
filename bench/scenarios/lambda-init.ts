import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAssembly } from '../../local/provision/assembly';
import type { TemplateResource } from '../../local/provision/assembly';
import { LOCAL_DIR } from '../../local/paths';
import { synthEnvironment } from '../../local/provision/synth';
import { bundleHandler } from '../bundle-handler';
import type { BenchScenario } from '../types';
import { median } from '../stats';

/**
 * Cold init of every Lambda bundle, two builds side by side in the same run:
 * - `external`: the bundling before commit b1c05a6 (`@aws-sdk/*` external, esbuild's default main
 *   fields, source map with sourcesContent), built here with the same esbuild options CDK passed. It
 *   lives under .local/ so that its `@aws-sdk/*` requires resolve from the project's node_modules, as
 *   they did in the local copy (on AWS, from the runtime's SDK).
 * - `bundled`: the synthesized dev assets (everything bundled, ES builds, no sourcesContent), copied
 *   to an empty directory outside the repo: they run with no node_modules at all.
 * Each sample is a fresh `node --enable-source-maps` process (Lambda's NODE_OPTIONS): `require` of
 * the bundle, then the first invocation with a minimal event of the function's kind against a stub
 * endpoint in the same process that answers every AWS call with a 400, so the SDK's lazy first-call
 * work (credentials, endpoint rules, protocol) is included without an emulator's latency.
 */

interface Sample {
  readonly requireMs: number;
  /** performance.now() at the end of require: node's own start-up plus require. */
  readonly readyMs: number;
  readonly firstInvokeMs: number;
  /** Requests that reached the stub during the first invocation (0: the handler returned before any AWS call). */
  readonly requests: number;
  readonly outcome: string;
}

interface FunctionUnderTest {
  /** lambda/<handler>.ts */
  readonly handler: string;
  readonly bundledDir: string;
  readonly environment: Record<string, string>;
  readonly event: unknown;
}

/** Runs in each sample process; plain CommonJS so that nothing but node itself is loaded before the bundle. */
const PROBE = `
const http = require('node:http');
const [file, eventJson] = process.argv.slice(2);
let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  req.resume();
  req.on('end', () => {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{"__type":"com.amazon.coral.validate#ValidationException","message":"bench stub"}');
  });
});
server.listen(0, '127.0.0.1', async () => {
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:' + server.address().port;
  const t0 = performance.now();
  const mod = require(file);
  const t1 = performance.now();
  const context = {
    functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:bench',
    memoryLimitInMB: '256', awsRequestId: 'bench-' + process.pid, logGroupName: '/aws/lambda/bench', logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 60000, done() {}, fail() {}, succeed() {},
  };
  let outcome = 'returned';
  try { await mod.handler(JSON.parse(eventJson), context); } catch (err) { outcome = 'threw ' + (err && err.name); }
  const t2 = performance.now();
  process.stdout.write('\\nBENCH ' + JSON.stringify({ requireMs: t1 - t0, readyMs: t1, firstInvokeMs: t2 - t1, requests, outcome }) + '\\n');
  server.close();
  process.exit(0);
});
`;

const round = (n: number) => Math.round(n * 10) / 10;

/** The handler a bundle was built from: its source map lists lambda/<name>.ts (sources only, no content). */
function handlerOf(assetDir: string): string {
  const map = JSON.parse(readFileSync(join(assetDir, 'index.js.map'), 'utf8')) as { sources: string[] };
  const entries = map.sources.map((s) => /(?:^|\/)lambda\/([^/]+)\.ts$/.exec(s)?.[1]).filter((n): n is string => !!n);
  if (entries.length !== 1) throw new Error(`${assetDir}: expected one lambda/*.ts entry in the source map, found ${entries.join(', ') || 'none'}`);
  return entries[0] as string;
}

/** A minimal event of the kind the function's rule delivers: the hourly schedule, or an S3 object event under its pattern. */
function eventFor(fnLogicalId: string, resources: Record<string, TemplateResource>): unknown {
  const rule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties?.Targets ?? []).includes(`"${fnLogicalId}"`));
  const base = { version: '0', id: '00000000-0000-4000-8000-000000000000', account: '000000000000', time: new Date().toISOString(), region: 'eu-central-1' };
  if (rule?.Properties?.ScheduleExpression) return { ...base, source: 'aws.events', 'detail-type': 'Scheduled Event', resources: [], detail: {} };
  const pattern = JSON.stringify(rule?.Properties?.EventPattern ?? {});
  const match = /"(prefix|wildcard)":"([^"]+)"/.exec(pattern);
  const key = match ? (match[1] === 'prefix' ? `${match[2]}bench/data.json` : (match[2] as string).replace('*', 'bench/data')) : 'bench/data.json';
  return {
    ...base,
    source: 'aws.s3',
    'detail-type': 'Object Created',
    resources: ['arn:aws:s3:::bench-bucket'],
    detail: {
      version: '0',
      bucket: { name: 'bench-bucket' },
      object: { key, size: 16, etag: '0123456789abcdef0123456789abcdef', 'version-id': 'v1', sequencer: '0001' },
      'request-id': 'bench',
      requester: '000000000000',
      reason: 'PutObject',
    },
  };
}

function functionsUnderTest(cdkOut: string): FunctionUnderTest[] {
  const out: FunctionUnderTest[] = [];
  for (const stack of readAssembly(cdkOut)) {
    for (const [logicalId, res] of Object.entries(stack.template.Resources)) {
      if (res.Type !== 'AWS::Lambda::Function') continue;
      const bundledDir = join(stack.assemblyDir, String(res.Metadata?.['aws:asset:path']));
      const vars = ((res.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
      // The project's handlers only: CDK's own provider functions (auto-delete in dev) are not built from lambda/.
      if (!('POWERTOOLS_SERVICE_NAME' in vars)) continue;
      // Resource names are Refs in the template; any string does for init, the stub answers every call.
      const environment = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `bench-${k.toLowerCase()}`]));
      delete environment.NODE_OPTIONS;
      out.push({ handler: handlerOf(bundledDir), bundledDir, environment, event: eventFor(logicalId, stack.template.Resources) });
    }
  }
  return out.sort((a, b) => a.handler.localeCompare(b.handler));
}


function sample(probe: string, file: string, fn: FunctionUnderTest, home: string): Sample {
  const r = spawnSync(process.execPath, ['--enable-source-maps', probe, file, JSON.stringify(fn.event)], {
    cwd: home,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      ...fn.environment,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_MAX_ATTEMPTS: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    },
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || !line) throw new Error(`${fn.handler} (${file}): exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH '.length)) as Sample;
}

function summary(samples: Sample[], indexBytes: number, mapBytes: number) {
  return {
    indexJsBytes: indexBytes,
    sourceMapBytes: mapBytes,
    requireMsMedian: round(median(samples.map((s) => s.requireMs))),
    readyMsMedian: round(median(samples.map((s) => s.readyMs))),
    firstInvokeMsMedian: round(median(samples.map((s) => s.firstInvokeMs))),
    initMsMedian: round(median(samples.map((s) => s.requireMs + s.firstInvokeMs))),
    firstInvokeRequests: samples[0]?.requests ?? 0,
    firstInvokeOutcome: samples[0]?.outcome ?? '',
  };
}

const scenario: BenchScenario = {
  name: 'lambda-init',
  description:
    'cold init per Lambda bundle in a fresh node process (require + first invocation against a stub endpoint), median of N runs: ' +
    'AWS SDK external (resolved from node_modules, the bundling before b1c05a6) vs bundled (the synthesized assets, run without node_modules)',
  async run({ quick, log }) {
    const runs = quick ? 3 : 9;
    const { dir } = await synthEnvironment('dev');
    const fns = functionsUnderTest(dir);
    // Inside the repo: the external build's @aws-sdk/* requires find the project's node_modules.
    const externalRoot = join(LOCAL_DIR, 'bench', 'lambda-init-external');
    rmSync(externalRoot, { recursive: true, force: true });
    // Outside the repo: the bundled build has nothing to fall back on.
    const bundledRoot = realpathSync(mkdtempSync(join(tmpdir(), 'blob-lambda-init-')));
    const probe = join(bundledRoot, 'probe.cjs');
    writeFileSync(probe, PROBE);
    const perFunction: Record<string, unknown> = {};
    const totals = { external: [] as number[], bundled: [] as number[] };
    const requireTotals = { external: [] as number[], bundled: [] as number[] };
    const loadAtStart = loadavg();
    try {
      for (const fn of fns) {
        const externalFile = await bundleHandler(fn.handler, join(externalRoot, fn.handler), { outfile: 'index.js', target: 'node24', sourcemap: true, externalSdk: true });
        const bundledDir = join(bundledRoot, fn.handler);
        mkdirSync(bundledDir);
        for (const f of ['index.js', 'index.js.map']) copyFileSync(join(fn.bundledDir, f), join(bundledDir, f));
        const bundledFile = join(bundledDir, 'index.js');
        // One discarded sample each warms the page cache; then the two builds alternate.
        sample(probe, externalFile, fn, bundledRoot);
        sample(probe, bundledFile, fn, bundledRoot);
        const samples = { external: [] as Sample[], bundled: [] as Sample[] };
        for (let i = 0; i < runs; i++) {
          samples.external.push(sample(probe, externalFile, fn, bundledRoot));
          samples.bundled.push(sample(probe, bundledFile, fn, bundledRoot));
        }
        const size = (f: string) => statSync(f).size;
        const external = summary(samples.external, size(externalFile), size(`${externalFile}.map`));
        const bundled = summary(samples.bundled, size(bundledFile), size(`${bundledFile}.map`));
        totals.external.push(external.initMsMedian);
        totals.bundled.push(bundled.initMsMedian);
        requireTotals.external.push(external.requireMsMedian);
        requireTotals.bundled.push(bundled.requireMsMedian);
        perFunction[fn.handler] = { external, bundled };
        log(
          `${fn.handler}: index.js ${(external.indexJsBytes / 1000).toFixed(0)} -> ${(bundled.indexJsBytes / 1000).toFixed(0)} kB; ` +
            `require ${external.requireMsMedian} -> ${bundled.requireMsMedian} ms; require + first invocation ${external.initMsMedian} -> ${bundled.initMsMedian} ms ` +
            `(${bundled.firstInvokeRequests} AWS call(s), ${bundled.firstInvokeOutcome})`,
        );
      }
    } finally {
      rmSync(bundledRoot, { recursive: true, force: true });
    }
    return {
      runsPerBuild: runs,
      functions: fns.length,
      loadAverage: { start: loadAtStart.map(round), end: loadavg().map(round) },
      requireMsMedianAcrossFunctions: { external: round(median(requireTotals.external)), bundled: round(median(requireTotals.bundled)) },
      initMsMedianAcrossFunctions: { external: round(median(totals.external)), bundled: round(median(totals.bundled)) },
      perFunction,
    };
  },
};

export default scenario;
