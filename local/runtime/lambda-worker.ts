import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { LocalFunction } from '../provision';

/**
 * Runs inside the worker: loads the function's esbuild bundle from its cdk.out asset directory and
 * calls the exported handler with a Lambda-shaped context, one invocation at a time (like one
 * Lambda execution environment). Plain CommonJS because the worker is not compiled by tsx.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
if (process.setSourceMapsEnabled) process.setSourceMapsEnabled(true);
const dot = workerData.handler.lastIndexOf('.');
const file = workerData.handler.slice(0, dot);
const exportPath = workerData.handler.slice(dot + 1);
// The bundle must carry every dependency (as on Lambda, where nothing but node built-ins can be
// relied on). A plain require from the asset directory would walk up from .local/cdk.out into the
// project's node_modules and hide an unbundled import, so the bundle is compiled as a module with no
// node_modules lookup paths: a bare require of anything but a built-in fails here, at load.
const filename = require.resolve(join(workerData.assetDir, file));
const bundle = new Module(filename, null);
bundle.filename = filename;
bundle.paths = [];
try {
  // _compile (not load, which would recompute the paths) keeps the CJS loader's source-map support.
  bundle._compile(readFileSync(filename, 'utf8'), filename, 'commonjs');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') err.message = workerData.assetDir + ': the bundle requires a module it does not contain (nothing outside the bundle is resolved): ' + err.message;
  throw err;
}
bundle.loaded = true;
const mod = bundle.exports;
const handler = exportPath.split('.').reduce((o, k) => (o == null ? o : o[k]), mod);
if (typeof handler !== 'function') throw new Error('handler ' + workerData.handler + ' is not a function in ' + workerData.assetDir);
parentPort.on('message', async (msg) => {
  const deadline = Date.now() + workerData.timeoutMs;
  const context = {
    functionName: workerData.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: workerData.functionArn,
    memoryLimitInMB: String(workerData.memoryMb),
    awsRequestId: msg.requestId,
    logGroupName: '/aws/lambda/' + workerData.functionName,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {}, fail: () => {}, succeed: () => {},
  };
  try {
    const result = await handler(msg.event, context);
    parentPort.postMessage({ id: msg.id, ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort.postMessage({ id: msg.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
`;

export class InvocationError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly errorStack?: string,
  ) {
    super(message);
    this.name = 'InvocationError';
  }
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string; stack?: string };
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One worker thread per function: its environment is the template's resolved variables plus the
 * emulator endpoint and dummy credentials; its heap is capped at the function's MemorySize. A
 * timeout or crash discards the worker (as Lambda discards the environment) and the next
 * invocation starts a fresh one.
 */
export class FunctionWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Serialises invocations: one at a time per execution environment. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly fn: LocalFunction,
    private readonly env: Record<string, string>,
    private readonly output: (line: string) => void,
  ) {}

  private start(): Worker {
    const fn = this.fn;
    const w = new Worker(BOOTSTRAP, {
      eval: true,
      env: this.env,
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: fn.memoryMb },
      workerData: {
        assetDir: fn.assetDir,
        handler: fn.handler,
        functionName: fn.name,
        functionArn: fn.arn,
        memoryMb: fn.memoryMb,
        timeoutMs: fn.timeoutSeconds * 1000,
      },
    });
    const forward = (stream: NodeJS.ReadableStream) => {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          this.output(`[${fn.logicalId}] ${buf.slice(0, nl)}`);
          buf = buf.slice(nl + 1);
        }
      });
    };
    forward(w.stdout);
    forward(w.stderr);
    w.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new InvocationError(m.error?.name ?? 'Error', m.error?.message ?? 'unknown error', m.error?.stack));
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new InvocationError('Runtime.ExitError', `${fn.logicalId}: execution environment failed: ${err.message}`));
        this.pending.delete(id);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  invoke(event: unknown): Promise<unknown> {
    const run = () =>
      new Promise<unknown>((resolve, reject) => {
        const w = this.worker ?? this.start();
        const id = this.nextId++;
        const timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new InvocationError('Sandbox.Timedout', `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`));
          if (this.worker === w) this.worker = undefined;
          void w.terminate();
        }, this.fn.timeoutSeconds * 1000);
        this.pending.set(id, { resolve, reject, timer });
        w.postMessage({ id, requestId: randomUUID(), event });
      });
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

/**
 * Lambda scales out with one execution environment per concurrent invocation; the pool does the
 * same up to `maxConcurrency` workers per function, created on demand, so a burst of events is
 * handled in parallel instead of queueing behind one worker.
 */
export class FunctionPool {
  private readonly idle: FunctionWorker[] = [];
  private readonly all: FunctionWorker[] = [];
  private readonly waiting: Array<(w: FunctionWorker) => void> = [];

  constructor(
    readonly fn: LocalFunction,
    private readonly create: () => FunctionWorker,
    private readonly maxConcurrency: number,
  ) {}

  private acquire(): Promise<FunctionWorker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    if (this.all.length < this.maxConcurrency) {
      const created = this.create();
      this.all.push(created);
      return Promise.resolve(created);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: FunctionWorker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async invoke(event: unknown): Promise<unknown> {
    const w = await this.acquire();
    try {
      return await w.invoke(event);
    } finally {
      this.release(w);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.all.map((w) => w.stop()));
    this.all.length = 0;
    this.idle.length = 0;
  }
}
