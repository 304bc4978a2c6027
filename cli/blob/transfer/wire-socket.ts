import { connect as netConnect, isIP, type OnReadOpts, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';

/**
 * GET responses read straight off the socket into one reused buffer per connection (`onread`),
 * handing each piece of the body to the caller synchronously. Node's http client allocates a
 * fresh Buffer for every socket read; at hundreds of MiB/s that garbage is most of a download's
 * CPU (measured on 1 GiB over loopback: 0.9 CPU-s this way against 2.2 through `http.get`).
 *
 * Deliberately narrow, since anything unusual goes back to the SDK (wire.ts): HTTP/1.1, one
 * request at a time per connection, bodies framed by Content-Length. A chunked or unframed body,
 * a malformed head, a connection lost before the body is complete — each is a `WireMiss`.
 */
export class WireMiss extends Error {
  constructor(reason: string) {
    super(`wire: ${reason}`);
    this.name = 'WireMiss';
  }
}

export interface Target {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number;
}

export interface RawRequest {
  readonly method: 'GET';
  /** Path and query, already encoded as signed. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface RawHead {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Receives a 2xx body in order; must consume `buf[start, end)` before returning (the buffer is reused). */
export type TakeBody = (head: RawHead, buf: Buffer, start: number, end: number, offset: number) => void;

const READ_BUFFER = 256 * 1024;
const MAX_HEAD = 64 * 1024;
/** A socket silent this long is abandoned (the SDK path then repeats the request). */
export const IDLE_TIMEOUT_MS = 120_000;

/** What the socket's onread currently feeds; sockets outlive requests (keep-alive). */
interface Conn {
  readonly socket: Socket;
  onData: (buf: Buffer, n: number) => void;
  onGone: (err?: Error) => void;
}

export class SocketPool {
  private readonly idle = new Map<string, Conn[]>();
  private readonly buffers: Buffer[] = [];

  /** Sends one request and streams its body to `take`; resolves with the head once the body is complete. */
  async request(target: Target, req: RawRequest, take: TakeBody): Promise<RawHead> {
    const key = `${target.protocol}//${target.hostname}:${target.port}`;
    const reused = this.idle.get(key)?.pop();
    reused?.socket.ref();
    try {
      return await this.exchange(key, reused ?? this.open(target), req, take, !!reused);
    } catch (err) {
      // A kept-alive connection the server closed meanwhile fails before any byte: once more, fresh.
      if (reused && err instanceof StaleConnection) return this.exchange(key, this.open(target), req, take, false);
      throw err;
    }
  }

  private open(target: Target): Conn {
    const conn: Conn = { socket: undefined as unknown as Socket, onData: () => undefined, onGone: () => undefined };
    // Read buffers outlive their sockets: servers that close after every response (versitygw does)
    // would otherwise cost a fresh 256 KiB per request, and the GC that goes with it.
    const buffer = this.buffers.pop() ?? Buffer.allocUnsafe(READ_BUFFER);
    const onread: OnReadOpts = {
      buffer,
      callback: (n) => {
        conn.onData(buffer, n);
        return true;
      },
    };
    // tls.connect documents `onread` (used when it dials the socket itself); @types/node lacks it.
    const tlsOptions: ConnectionOptions & { onread: OnReadOpts } = { host: target.hostname, port: target.port, onread, ALPNProtocols: ['http/1.1'], ...(isIP(target.hostname) ? {} : { servername: target.hostname }) };
    const socket = target.protocol === 'https:' ? tlsConnect(tlsOptions) : netConnect({ host: target.hostname, port: target.port, onread });
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy(new WireMiss('socket idle')));
    socket.on('error', (err) => conn.onGone(err));
    socket.on('close', () => {
      conn.onGone();
      this.buffers.push(buffer);
    });
    (conn as { socket: Socket }).socket = socket;
    return conn;
  }

  private exchange(key: string, conn: Conn, req: RawRequest, take: TakeBody, reused: boolean): Promise<RawHead> {
    return new Promise<RawHead>((resolve, reject) => {
      let head = '';
      let parsed: RawHead | undefined;
      let left = 0;
      let offset = 0;
      let gotAny = false;
      let settled = false;
      const settle = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        req.signal?.removeEventListener('abort', onAbort);
        conn.onData = () => undefined;
        conn.onGone = () => this.forget(key, conn);
        if (err) {
          conn.socket.destroy();
          return reject(err);
        }
        const h = parsed as RawHead;
        if (h.headers.connection?.toLowerCase() === 'close' || conn.socket.destroyed) conn.socket.destroy();
        else this.release(key, conn);
        if (h.status >= 200 && h.status < 300) resolve(h);
        else reject(new WireMiss(`HTTP ${h.status}`));
      };
      const onAbort = (): void => settle(req.signal?.reason ?? new Error('aborted'));
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      conn.onGone = (err) => {
        if (settled) return;
        if (reused && !gotAny) return settle(new StaleConnection());
        settle(new WireMiss(err ? err.message : 'connection closed mid-response'));
      };
      conn.onData = (buf, n) => {
        gotAny = true;
        let start = 0;
        if (!parsed) {
          // Decode only the head: the first read usually carries body bytes after it too.
          const end = headEnd(head, buf, n);
          if (end < 0) {
            head += buf.toString('latin1', 0, n);
            if (head.length > MAX_HEAD) settle(new WireMiss('response head too large'));
            return;
          }
          head += buf.toString('latin1', 0, end);
          start = end;
          try {
            parsed = parseHead(head.slice(0, -4), req.method);
            left = Number(parsed.headers['content-length']);
          } catch (err) {
            return settle(err);
          }
          if (left === 0) return settle();
        }
        const len = Math.min(n - start, left);
        if (n - start > left) return settle(new WireMiss('more bytes than Content-Length'));
        const status = (parsed as RawHead).status;
        if (len > 0 && status >= 200 && status < 300) {
          try {
            take(parsed as RawHead, buf, start, start + len, offset);
          } catch (err) {
            return settle(err); // the sink's own error (a local write failed): not the wire's to retry
          }
        }
        offset += len;
        left -= len;
        if (left === 0) settle();
      };
      const lines = [`${req.method} ${req.path} HTTP/1.1`];
      for (const [name, value] of Object.entries(req.headers)) {
        if (/[\r\n]/.test(value) || /[\r\n:]/.test(name)) return settle(new WireMiss(`header ${name} cannot be sent raw`));
        lines.push(`${name}: ${value}`);
      }
      if (/[\s]/.test(req.path)) return settle(new WireMiss('path cannot be sent raw'));
      conn.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  private release(key: string, conn: Conn): void {
    const list = this.idle.get(key) ?? [];
    list.push(conn);
    this.idle.set(key, list);
    conn.socket.unref(); // an idle kept-alive connection must not hold the process open
  }

  private forget(key: string, conn: Conn): void {
    const list = this.idle.get(key);
    const i = list?.indexOf(conn) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  }
}

class StaleConnection extends WireMiss {
  constructor() {
    super('kept-alive connection was closed');
  }
}

/** Index just past the blank line ending the head in `buf[0, n)`, given the head so far; -1 if not yet. */
function headEnd(sofar: string, buf: Buffer, n: number): number {
  const at = buf.subarray(0, n).indexOf('\r\n\r\n', 0, 'latin1');
  if (at >= 0) {
    // A terminator may also straddle the previous read and this one, which comes first.
    const early = straddle(sofar, buf, n);
    return early >= 0 && early < at + 4 ? early : at + 4;
  }
  return straddle(sofar, buf, n);
}

function straddle(sofar: string, buf: Buffer, n: number): number {
  if (!sofar) return -1;
  const tail = sofar.slice(-3);
  const probe = tail + buf.toString('latin1', 0, Math.min(n, 3));
  const j = probe.indexOf('\r\n\r\n');
  return j >= 0 ? j + 4 - tail.length : -1;
}

function parseHead(text: string, method: string): RawHead {
  const [statusLine, ...lines] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) throw new WireMiss('malformed status line');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new WireMiss('malformed header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  if (headers['transfer-encoding']) throw new WireMiss('body not framed by Content-Length');
  if (method !== 'GET' || !/^\d+$/.test(headers['content-length'] ?? '')) throw new WireMiss('body not framed by Content-Length');
  return { status: Number(m[1]), headers };
}
