import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { clientConfig } from '../../core/aws-config';
import { LOCAL_ACCOUNT_ID } from '../../local/emulator/clients';
import { CredentialRegistry } from '../../local/iam/credentials';
import { PolicyEvaluator } from '../../local/iam/evaluate';
import { type Gateway, startGateway } from '../../local/iam/gateway';
import { collectPolicies } from '../../local/iam/policies';
import { buildDirectory } from '../../local/iam/resource-directory';
import { type MotoServer, startMoto } from '../support/moto';
import { createVersionedBucket, s3For } from './blob-harness';

/**
 * A fault-injecting HTTP proxy for the lean data path's tests (cli/blob/transfer/wire*.ts):
 * client → proxy → IAM gateway (verifies SigV4, as AWS does) → moto. It forwards everything over
 * keep-alive connections, records each request (on which connection, and whether the SDK sent it:
 * the SDK's middleware adds `amz-sdk-invocation-id` / `x-amz-user-agent`, the wire sends neither),
 * and answers the wire requests the test picks with a fault instead.
 */
export type Fault =
  | 'slowdown' // 503 SlowDown, as S3 throttles
  | 'internal' // 500 InternalError
  | 'chunked' // the real answer, framed by Transfer-Encoding: chunked instead of Content-Length
  | 'unframed' // the real answer with neither (body ends with the connection)
  | 'cut-half' // Content-Length head and half of the body, then the connection is cut
  | 'cut-head' // the head alone, then the connection is cut
  | 'garbage-status' // a status line that is not HTTP/1.x NNN
  | 'not-http' // bytes that are not HTTP at all
  | 'header-no-colon' // the real answer with one header line lacking its colon
  | 'hang-up' // the request is read, then the connection is closed unanswered
  | 'stall-head' // the request is read and never answered
  | 'stall-body'; // head and half of the body, then silence (the connection stays open)

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly wire: boolean;
  /** Which accepted connection carried it (1, 2, …). */
  readonly connection: number;
  readonly fault?: Fault;
  readonly dropped?: boolean;
  /** The request's signing date (x-amz-date), YYYYMMDDTHHMMSSZ. */
  readonly amzDate?: string;
}

interface ConnState {
  readonly id: number;
  served: number;
}

export class FaultProxy {
  readonly seen: Seen[] = [];
  /** Connections accepted so far. */
  connections = 0;
  /** A wire request arriving on a connection that already served one is dropped unanswered (the server closed it meanwhile). */
  dropReused = false;
  /** Every connection is closed as soon as a response has been sent. */
  closeAfterResponse = false;
  private readonly faults = new Map<number, Fault>();
  private wireCount = 0;
  private readonly conns = new WeakMap<Socket, ConnState>();
  private readonly agent = new Agent({ keepAlive: true });
  private stallListeners: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
  ) {
    server.on('connection', (socket: Socket) => this.conns.set(socket, { id: ++this.connections, served: 0 }));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  static async start(upstream: string): Promise<FaultProxy> {
    const server = createServer({ keepAlive: true });
    const proxy = new FaultProxy(server, new URL(upstream));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers the `nth` wire request from now (1 = the next one) with `fault`. */
  fault(fault: Fault, nth = 1): void {
    this.faults.set(this.wireCount + nth, fault);
  }

  /** Resolves once a stall fault has been applied (the request is in flight, unanswered). */
  stalled(): Promise<void> {
    return new Promise((resolve) => this.stallListeners.push(resolve));
  }

  /** Forgets what was seen and planned (connections stay open). */
  reset(): void {
    this.seen.length = 0;
    this.faults.clear();
    this.dropReused = false;
    this.closeAfterResponse = false;
  }

  /** Object data requests (GET/PUT), by who sent them. */
  data(who: 'wire' | 'sdk'): Seen[] {
    return this.seen.filter((s) => (s.method === 'GET' || s.method === 'PUT') && s.wire === (who === 'wire') && !s.url.startsWith('/moto-api'));
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const conn = this.conns.get(socket) as ConnState;
    const wire = req.headers['amz-sdk-invocation-id'] === undefined && req.headers['x-amz-user-agent'] === undefined;
    const fault = wire ? this.faults.get(++this.wireCount) : undefined;
    const dropped = wire && this.dropReused && conn.served > 0;
    const amzDate = req.headers['x-amz-date'];
    this.seen.push({ method: req.method ?? '', url: req.url ?? '', wire, connection: conn.id, ...(fault ? { fault } : {}), ...(dropped ? { dropped } : {}), ...(typeof amzDate === 'string' ? { amzDate } : {}) });
    if (dropped) return void socket.destroy();
    conn.served++;
    if (this.closeAfterResponse) res.on('finish', () => socket.destroy());
    if (fault === 'slowdown' || fault === 'internal' || fault === 'stall-head' || fault === 'hang-up' || fault === 'garbage-status' || fault === 'not-http') {
      req.resume();
      req.on('end', () => this.answerWithout(fault, res, socket));
      return;
    }
    const up = httpRequest({ host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent }, (upRes) => {
      if (!fault) {
        // Hop-by-hop: moto answers `Connection: close`; this proxy keeps its clients' connections alive, as S3 does.
        const { connection: _c, 'keep-alive': _k, ...headers } = upRes.headers;
        res.writeHead(upRes.statusCode ?? 502, headers);
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => this.answerWith(fault, upRes, Buffer.concat(chunks), res, socket));
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  }

  /** Faults that need no upstream answer. */
  private answerWithout(fault: Fault, res: ServerResponse, socket: Socket): void {
    if (fault === 'stall-head') return this.notifyStalled();
    if (fault === 'hang-up') return void socket.destroy();
    if (fault === 'garbage-status') return void socket.end('HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n');
    if (fault === 'not-http') return void socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    const [status, code] = fault === 'slowdown' ? [503, 'SlowDown'] : [500, 'InternalError'];
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by the test proxy</Message><RequestId>fault</RequestId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
    res.end(xml);
  }

  /** Faults that reshape the upstream's real answer. */
  private answerWith(fault: Fault, upRes: IncomingMessage, body: Buffer, res: ServerResponse, socket: Socket): void {
    const status = upRes.statusCode ?? 502;
    const headers = { ...upRes.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    const half = body.subarray(0, Math.floor(body.length / 2));
    switch (fault) {
      case 'chunked':
        res.writeHead(status, { ...headers, 'transfer-encoding': 'chunked' });
        res.end(body);
        return;
      case 'unframed':
        socket.end(Buffer.concat([rawHead(status, upRes, ['Connection: close'], false), body]));
        return;
      case 'header-no-colon':
        socket.end(Buffer.concat([rawHead(status, upRes, ['X-Injected-Line-Without-Colon'], true), body]));
        return;
      case 'cut-head':
        socket.write(rawHead(status, upRes, [], true), () => socket.destroy());
        return;
      case 'cut-half':
        socket.write(Buffer.concat([rawHead(status, upRes, [], true), half]), () => socket.destroy());
        return;
      case 'stall-body':
        socket.write(Buffer.concat([rawHead(status, upRes, [], true), half]), () => this.notifyStalled());
        return;
      default:
        throw new Error(`fault ${fault} needs no upstream answer`);
    }
  }

  private notifyStalled(): void {
    const listeners = this.stallListeners;
    this.stallListeners = [];
    for (const l of listeners) l();
  }
}

/** The upstream's head as raw bytes, with `extra` lines, its Content-Length kept or dropped. */
function rawHead(status: number, upRes: IncomingMessage, extra: readonly string[], keepLength: boolean): Buffer {
  const lines = [`HTTP/1.1 ${status} ${upRes.statusMessage ?? ''}`];
  const raw = upRes.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (/^(transfer-encoding|connection|keep-alive)$/i.test(name)) continue;
    if (!keepLength && /^content-length$/i.test(name)) continue;
    lines.push(`${name}: ${raw[i + 1] as string}`);
  }
  lines.push(...extra);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** moto behind the IAM gateway (so signatures are verified) behind a fault proxy. */
export interface Chain {
  readonly moto: MotoServer;
  readonly gateway: Gateway;
  readonly proxy: FaultProxy;
  /** A fresh client through the proxy (its own wire and keep-alive sockets), by default as the gateway's admin. */
  client(credentials?: S3ClientConfig['credentials']): S3Client;
  stop(): Promise<void>;
}

export async function startChain(): Promise<Chain> {
  const moto = await startMoto();
  const store = collectPolicies(LOCAL_ACCOUNT_ID, []);
  const gateway = await startGateway({
    upstream: () => moto.endpoint,
    mode: 'enforce',
    registry: new CredentialRegistry(() => store, { accessKeyId: 'testing', secretAccessKey: 'testing' }),
    evaluator: () => new PolicyEvaluator(store),
    directory: () => buildDirectory(LOCAL_ACCOUNT_ID, []),
    onDenial: () => undefined,
  });
  const proxy = await FaultProxy.start(gateway.endpoint);
  const clients: S3Client[] = [];
  return {
    moto,
    gateway,
    proxy,
    client(credentials) {
      const c = credentials ? new S3Client({ ...clientConfig({ endpoint: proxy.endpoint, region: 'eu-central-1' }), credentials }) : s3For(proxy.endpoint);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await proxy.stop();
      await gateway.close();
      await moto.stop();
    },
  };
}

/** A chain whose versioned `bucket` holds `objects` (put in this order, version ids returned in it), its admin client and a scratch directory. */
export async function startSeededChain(bucket: string, objects: ReadonlyArray<readonly [string, Buffer]>): Promise<{ chain: Chain; s3: S3Client; dir: string; versions: string[] }> {
  const chain = await startChain();
  const s3 = chain.client();
  await createVersionedBucket(s3, bucket);
  const versions: string[] = [];
  for (const [Key, Body] of objects) versions.push((await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))).VersionId as string);
  return { chain, s3, dir: mkdtempSync(join(tmpdir(), `${bucket}-`)), versions };
}

/** Deterministic bytes that differ at every offset (a misplaced range changes the hash). */
export function pattern(bytes: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
