import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack, LocalStackOutputs } from './stack';
import { LOCAL_DIR } from './paths';

/**
 * The running `npm run local`: a record in .local/instance.json (pid, ports, outputs) so that a
 * second start says so instead of fighting over ports, and `--tick`, the demo and redrive find it;
 * and a loopback control endpoint for what only the running runtime can do (fire a schedule, wait
 * for idle).
 */
export interface InstanceRecord {
  readonly pid: number;
  readonly env: string;
  readonly endpoint: string;
  readonly port: number;
  readonly controlUrl: string;
  readonly region: string;
  readonly replicaRegion: string;
  readonly outputs: LocalStackOutputs;
  readonly awsEnv: Record<string, string>;
  readonly startedAt: string;
}

export const INSTANCE_FILE = join(LOCAL_DIR, 'instance.json');
const LOCK_FILE = join(LOCAL_DIR, 'instance.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Taken for the whole life of `npm run local` (created exclusively, so two starts at the same moment
 * cannot both win). Returns the pid holding it when another live process does.
 */
export function acquireLock(): { ok: true; release(): void } | { ok: false; holder: number } {
  mkdirSync(LOCAL_DIR, { recursive: true });
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(LOCK_FILE, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        ok: true,
        release: () => {
          if (readFileSync(LOCK_FILE, 'utf8').trim() === String(process.pid)) rmSync(LOCK_FILE, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(LOCK_FILE, 'utf8').trim());
      if (holder && alive(holder)) return { ok: false, holder };
      rmSync(LOCK_FILE, { force: true });
    }
  }
  throw new Error(`could not take ${LOCK_FILE}`);
}

/** The running instance, or undefined (a record left by a crashed run is ignored and removed). */
export function readInstance(): InstanceRecord | undefined {
  if (!existsSync(INSTANCE_FILE)) return undefined;
  try {
    const rec = JSON.parse(readFileSync(INSTANCE_FILE, 'utf8')) as InstanceRecord;
    if (alive(rec.pid)) return rec;
  } catch {
    /* unreadable: treat as stale */
  }
  rmSync(INSTANCE_FILE, { force: true });
  return undefined;
}

export function writeInstance(rec: InstanceRecord): void {
  mkdirSync(LOCAL_DIR, { recursive: true });
  writeFileSync(INSTANCE_FILE, `${JSON.stringify(rec, null, 2)}\n`);
}

export function removeInstance(pid: number): void {
  const rec = existsSync(INSTANCE_FILE) ? (JSON.parse(readFileSync(INSTANCE_FILE, 'utf8')) as InstanceRecord) : undefined;
  if (rec?.pid === pid) rmSync(INSTANCE_FILE, { force: true });
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 65_536) throw new Error('request body too large');
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** POST /tick {"rule"}, POST /idle {"timeoutMs"}, GET /notifications. Loopback only. */
export function startControlServer(stack: LocalStack): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    void (async () => {
      try {
        if (req.method === 'POST' && req.url === '/tick') {
          const { rule } = await body(req);
          if (typeof rule !== 'string' || !rule) return reply(400, { error: 'body must be {"rule": "<logical id or substring>"}' });
          return reply(200, { rule, outcomes: await stack.tick(rule) });
        }
        if (req.method === 'POST' && req.url === '/idle') {
          const { timeoutMs } = await body(req);
          await stack.waitForIdle(typeof timeoutMs === 'number' ? timeoutMs : undefined);
          return reply(200, { idle: true });
        }
        if (req.method === 'GET' && req.url === '/notifications') return reply(200, await stack.notifications());
        return reply(404, { error: `unknown control request ${req.method} ${req.url}` });
      } catch (err) {
        return reply(409, { error: (err as Error).message });
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

/** Calls the running instance's control endpoint; throws its error message. */
export async function control<T>(rec: InstanceRecord, method: 'GET' | 'POST', path: string, payload?: unknown): Promise<T> {
  const res = await fetch(`${rec.controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(json.error ?? `control request failed with ${res.status}`);
  return json;
}
