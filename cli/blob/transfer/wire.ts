import { GetObjectCommand, S3Client as S3ClientClass, type S3Client } from '@aws-sdk/client-s3';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { uriEncode } from '../../../core/sigv4';
import { SigV4Signer } from './sigv4';
import { IDLE_TIMEOUT_MS, type RawHead, SocketPool, type TakeBody, type Target, WireMiss } from './wire-socket';

/**
 * The lean request path ("wire") for the requests that carry object bytes: GetObject, PutObject and
 * UploadPart. The SDK spends about 1 ms of CPU per request in its middleware stack (serialisation,
 * endpoint rules, retry bookkeeping, response wrapping), which is most of the cost of a 100 KiB
 * object, and its response path keeps large downloads' socket buffers alive long enough to make V8
 * run a full mark-compact for every ~10 MiB received (measured: 98 per GiB against 2 on this path).
 *
 * Nothing about *where* or *as whom* a request goes is decided here: the endpoint comes from the
 * client's own endpoint rules (once per bucket), the credentials from its provider chain, the
 * signing date from its clock (with the skew the SDK has corrected), and the signature is the one
 * the SDK's SigV4 signer makes (sigv4.ts, held to it by a test). Only the
 * happy path runs here: any answer but 2xx, and any failure before a response arrives, throws
 * `WireMiss`, and the caller repeats the request through the SDK (`viaWire`), so errors, retries
 * and messages stay the SDK's own. `BLOB_WIRE=off` turns the path off.
 */
export { WireMiss };

export interface WireRequest {
  readonly method: 'GET' | 'PUT';
  readonly bucket: string;
  readonly key: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Lower-case header names; undefined values are left out. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: Buffer;
  /** Hex SHA-256 of `body` (signed as the payload hash); GETs sign the empty payload's hash. */
  readonly payloadSha256?: string;
  readonly signal?: AbortSignal;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

interface BucketRoute {
  readonly url: URL;
  /** Where both request paths connect: derived from `url` once (brackets off an IPv6 literal). */
  readonly target: Target;
  readonly signer: SigV4Signer;
}

export class S3Wire {
  private readonly routes = new Map<string, Promise<BucketRoute | undefined>>();
  private readonly agents: { readonly http: HttpAgent; readonly https: HttpsAgent };
  private readonly sockets = new SocketPool();

  constructor(
    private readonly s3: S3Client,
    maxSockets: number,
  ) {
    this.agents = { http: new HttpAgent({ keepAlive: true, maxSockets }), https: new HttpsAgent({ keepAlive: true, maxSockets }) };
  }

  /** Sends the request through Node's http client; resolves with the response only for a 2xx status. */
  async send(req: WireRequest): Promise<IncomingMessage> {
    const { target, path, headers } = await this.sign(req);
    const secure = target.protocol === 'https:';
    const options: RequestOptions = {
      agent: secure ? this.agents.https : this.agents.http,
      method: req.method,
      hostname: target.hostname,
      port: target.port,
      path,
      headers,
      ...(req.signal ? { signal: req.signal } : {}),
    };
    return new Promise<IncomingMessage>((resolve, reject) => {
      let sent: ReturnType<typeof httpRequest>;
      try {
        sent = (secure ? httpsRequest : httpRequest)(options, (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(res);
          res.resume();
          reject(new WireMiss(`HTTP ${status}`));
        });
      } catch (err) {
        // e.g. a metadata value Node refuses as a header: the SDK path reports it properly.
        return reject(new WireMiss((err as Error).message));
      }
      sent.setTimeout(IDLE_TIMEOUT_MS, () => sent.destroy(new WireMiss('socket idle')));
      sent.on('error', (err) => reject(req.signal?.aborted ? err : new WireMiss(err.message)));
      sent.end(req.body);
    });
  }

  /** A GET whose body goes to `take` straight off the socket (wire-socket.ts); resolves with the head. */
  async getInto(req: WireRequest & { readonly method: 'GET' }, take: TakeBody): Promise<RawHead> {
    const { target, path, headers } = await this.sign(req);
    return this.sockets.request(target, { method: 'GET', path, headers, ...(req.signal ? { signal: req.signal } : {}) }, take);
  }

  private async sign(req: WireRequest): Promise<{ target: Target; path: string; headers: Record<string, string> }> {
    const route = await this.route(req.bucket);
    if (!route) throw new WireMiss(`bucket ${req.bucket} needs the SDK's endpoint handling`);
    const base = route.url.pathname.replace(/\/$/, '');
    const path = `${base}/${req.key.split('/').map(extendedEncodeURIComponent).join('/')}`;
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query[k] = v;
    const headers: Record<string, string> = { host: route.url.host, 'x-amz-content-sha256': req.payloadSha256 ?? EMPTY_SHA256 };
    for (const [k, v] of Object.entries(req.headers ?? {})) if (v !== undefined) headers[k] = v;
    if (req.body) headers['content-length'] = String(req.body.length);
    const credentials = await this.s3.config.credentials();
    if (typeof credentials?.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') throw new WireMiss('credentials the SDK must report on');
    // As the SDK signs: its clock plus the offset it learnt from a RequestTimeTooSkewed answer.
    const now = new Date(Date.now() + (this.s3.config.systemClockOffset ?? 0));
    const signed = route.signer.sign({ method: req.method, path, query, headers }, credentials, now);
    const search = Object.keys(query).length ? `?${Object.entries(query).map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&')}` : '';
    return { target: route.target, path: path + search, headers: signed };
  }

  private route(bucket: string): Promise<BucketRoute | undefined> {
    let route = this.routes.get(bucket);
    if (!route) {
      route = this.resolve(bucket).catch(() => undefined);
      this.routes.set(bucket, route);
    }
    return route;
  }

  /** The bucket's endpoint from the client's own rules; plain SigV4 buckets only (not S3 Express or MRAP). */
  private async resolve(bucket: string): Promise<BucketRoute | undefined> {
    const endpoint = await getEndpointFromInstructions({ Bucket: bucket, Key: 'k' }, GetObjectCommand, this.s3.config);
    const schemes = (endpoint.properties?.authSchemes ?? []) as Array<{ name?: string; signingName?: string; signingRegion?: string }>;
    const scheme = schemes[0];
    if (!scheme || scheme.name !== 'sigv4' || endpoint.properties?.backend) return undefined;
    const url = new URL(endpoint.url.href);
    if (!/^https?:$/.test(url.protocol) || url.search) return undefined;
    const region = scheme.signingRegion ?? (await this.s3.config.region());
    const signer = new SigV4Signer(region, scheme.signingName ?? 's3');
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const target = { protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (protocol === 'https:' ? 443 : 80)) } as const;
    return { url, target, signer };
  }
}

/** Per client: its wire, or null once it has (or gets) middleware the wire would skip. */
const wires = new WeakMap<S3Client, S3Wire | null>();

let defaultStack: Set<string> | undefined;

/**
 * The client's wire (one per client, sharing its keep-alive sockets). None with BLOB_WIRE=off, and
 * none for a client someone added middleware to: the wire would silently skip it. The stack is
 * compared with a default client's once; middleware added later (`add`, `addRelativeTo`, which
 * `use` goes through) turns the wire off from then on (test/cli/wire.test.ts). Looking at the stack
 * on every request instead cost ~60 µs each, 5% of a small object's CPU.
 */
export function wireFor(s3: S3Client): S3Wire | undefined {
  if (process.env.BLOB_WIRE === 'off') return undefined;
  const known = wires.get(s3);
  if (known !== undefined) return known ?? undefined;
  defaultStack ??= new Set(new S3ClientClass({ region: 'us-east-1' }).middlewareStack.identify());
  // Anything that only looks like a client (a test double's `send`) has no stack, config or wire.
  const stackOf = (s3 as Partial<S3Client>).middlewareStack;
  if (typeof stackOf?.identify !== 'function' || !s3.config || stackOf.identify().some((name) => !defaultStack?.has(name))) {
    wires.set(s3, null);
    return undefined;
  }
  const wire = new S3Wire(s3, 64);
  wires.set(s3, wire);
  const stack = s3.middlewareStack as unknown as Record<'add' | 'addRelativeTo', (...args: unknown[]) => unknown>;
  for (const method of ['add', 'addRelativeTo'] as const) {
    const original = stack[method].bind(stack);
    stack[method] = (...args: unknown[]) => {
      wires.set(s3, null);
      return original(...args);
    };
  }
  return wire;
}

/**
 * Runs `fast` on the wire and, if it misses, `sdk` (which then decides the outcome: the same
 * request's proper error, or success after the SDK's retries). Aborts are never retried.
 */
export async function viaWire<T>(s3: S3Client, fast: (wire: S3Wire) => Promise<T>, sdk: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const wire = wireFor(s3);
  if (!wire) return sdk();
  try {
    return await fast(wire);
  } catch (err) {
    if (signal?.aborted || !(err instanceof WireMiss)) throw err;
    return sdk();
  }
}
