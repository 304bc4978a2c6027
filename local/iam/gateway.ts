import { Agent, IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CredentialRegistry, Holder } from './credentials';
import { ErrorKind, sendAwsError } from './errors';
import { AuthzRequest, ContextValue, Decision, PolicyEvaluator, denialMessage } from './evaluate';
import { IncomingCall, Protocol, mapRequest, protocolOf } from './request-map';
import { formParams } from './request-map/query-services';
import type { ResourceDirectory } from './resource-directory';
import { AuthError, Authorization, parseAuthorization, parseQuery, verifySignature } from './sigv4';
import { handleSts } from './sts';

/**
 * The local AWS endpoint: every request is authenticated (SigV4 against the access key's secret,
 * its session token and expiry), mapped to the IAM actions, resources and condition keys AWS
 * authorizes for it, evaluated against the caller's identity policies and the target's resource
 * policy, and only then forwarded to the emulator — streamed, never buffered, except the small
 * bodies a decision depends on (JSON and query-protocol calls, S3 DeleteObjects). Services the
 * emulator does not provide (Lambda: the local runtime runs the functions) are answered by a
 * handler of their own, after the same authorization.
 */

export type IamMode = 'enforce' | 'warn' | 'off';

export interface DenialEvent {
  readonly type: 'iam-denial';
  readonly time: string;
  readonly mode: IamMode;
  readonly principal: string;
  readonly service: string;
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
  readonly result: Decision['result'] | 'AuthenticationFailed';
  readonly reason: string;
  /** Stack/LogicalId of the policy that denied, or of the role whose policies allow nothing. */
  readonly policy?: string;
}

export interface GatewayOptions {
  /** The emulator's endpoint, reached only through this gateway. */
  readonly upstream: () => string;
  readonly mode: IamMode;
  readonly registry: CredentialRegistry;
  readonly evaluator: () => PolicyEvaluator;
  readonly directory: () => ResourceDirectory;
  readonly onDenial: (event: DenialEvent) => void;
  readonly port?: number;
  /**
   * The gateway listens on loopback without TLS and is declared a secure transport
   * (aws:SecureTransport=true, s3:TlsVersion=1.3): traffic never leaves the machine. False
   * evaluates requests as plain HTTP, under which the buckets' TLS-only policies deny everything.
   */
  readonly secureTransport?: boolean;
  /** Handlers by signing name (lambda); every other service goes to the emulator. */
  readonly services?: Readonly<Record<string, ServiceHandler>>;
}

/** Answers an authorized request of a service the emulator does not provide; the body is read. */
export type ServiceHandler = (call: IncomingCall, res: ServerResponse) => Promise<void>;

export interface Gateway {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Bodies needed for a decision are small; anything larger is refused rather than held in memory. */
const MAX_BUFFERED = 20 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BUFFERED) {
        reject(new Error(`request body over ${MAX_BUFFERED} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function authErrorKind(err: AuthError): ErrorKind {
  switch (err.code) {
    case 'Expired':
      return 'PresignExpired';
    case 'Skewed':
      return 'Skewed';
    case 'SignatureDoesNotMatch':
      return 'SignatureDoesNotMatch';
    case 'Missing':
      return 'Missing';
    default:
      return 'Malformed';
  }
}

export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const secure = o.secureTransport ?? true;
  const common: Record<string, ContextValue> = {
    'aws:SecureTransport': secure ? 'true' : 'false',
    ...(secure ? { 's3:TlsVersion': '1.3' } : {}),
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const target = new URL(o.upstream());
    const headers = { ...req.headers };
    if (body) {
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
    }
    const up = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    // The emulator unreachable (the drills kill it): the client sees a dropped connection, as it
    // would without the gateway, and its SDK retries.
    up.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    if (body) up.end(body);
    else {
      req.pipe(up);
      req.on('aborted', () => up.destroy());
    }
  };

  const report = (base: Omit<DenialEvent, 'type' | 'time' | 'mode'>) => o.onDenial({ type: 'iam-denial', time: new Date().toISOString(), mode: o.mode, ...base });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    if (path.startsWith('/moto-api')) return forward(req, res);
    if (o.mode === 'off') return unchecked(req, res, { method, path, rawQuery });

    let auth: Authorization | undefined;
    try {
      auth = parseAuthorization({ method, path, rawQuery, headers: req.headers });
    } catch (err) {
      const service = req.headers['x-amz-target'] ? 'unknown' : 's3';
      return sendAwsError(res, { service, protocol: service === 's3' ? 'rest-xml' : 'json', kind: authErrorKind(err as AuthError), message: (err as Error).message, method });
    }
    if (!auth) {
      // Unsigned: S3 evaluates it as the anonymous principal (the buckets grant it nothing); other services refuse it.
      const service = req.headers['x-amz-target'] ? 'unknown' : 's3';
      report({ principal: 'anonymous', service, operation: `${method} ${path}`, action: '', resource: path, result: 'AuthenticationFailed', reason: 'the request is not signed' });
      if (o.mode === 'warn') return forward(req, res);
      return sendAwsError(res, { service, protocol: service === 's3' ? 'rest-xml' : 'json', kind: service === 's3' ? 'AccessDenied' : 'Missing', message: service === 's3' ? 'Access Denied' : 'Missing Authentication Token', method });
    }
    const protocol: Protocol = protocolOf({ service: auth.service, headers: req.headers });
    const needsBody = auth.service !== 's3' || (method === 'POST' && parseQuery(rawQuery).some(([k]) => k === 'delete'));
    let body: Buffer | undefined;
    if (needsBody) {
      try {
        body = await readBody(req);
      } catch (err) {
        return sendAwsError(res, { service: auth.service, protocol, kind: 'Malformed', message: (err as Error).message, method });
      }
    }
    const call: IncomingCall = { service: auth.service, region: auth.region, method, path, query: parseQuery(rawQuery), headers: req.headers, body };
    // Where an admitted request goes: the service's own handler, or the emulator.
    const serve = o.services?.[auth.service];
    const proceed = () => (serve ? serve(call, res) : forward(req, res, body));
    const fail = (kind: ErrorKind, message: string, principal = auth?.accessKeyId ?? '') => {
      report({ principal, service: auth?.service ?? '', operation: `${method} ${path}`, action: '', resource: path, result: 'AuthenticationFailed', reason: message });
      if (o.mode === 'warn') return proceed();
      return sendAwsError(res, { service: auth?.service ?? '', protocol, kind, message, method });
    };

    const holder: Holder | undefined = o.registry.lookup(auth.accessKeyId);
    if (!holder) return fail('UnknownKey', auth.service === 's3' ? 'The AWS Access Key Id you provided does not exist in our records.' : 'The security token included in the request is invalid.');
    const creds = holder.credentials;
    if (creds.sessionToken && auth.sessionToken !== creds.sessionToken) {
      return fail('InvalidToken', auth.service === 's3' ? 'The provided token is malformed or otherwise invalid.' : 'The security token included in the request is invalid.', holder.principal.arn);
    }
    if (creds.expiration && creds.expiration.getTime() < Date.now()) {
      return fail('ExpiredToken', auth.service === 's3' ? 'The provided token has expired.' : 'The security token included in the request is expired', holder.principal.arn);
    }
    try {
      verifySignature({ method, path, rawQuery, headers: req.headers, body }, auth, creds.secretAccessKey);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return fail(authErrorKind(err), err.message, holder.principal.arn);
    }

    const evaluator = o.evaluator();
    if (auth.service === 'sts') {
      const outcome = await handleSts(formParams(call), holder, o.registry, evaluator);
      if (outcome.invalid) return sendAwsError(res, { service: 'sts', protocol: 'query', kind: 'Malformed', message: outcome.invalid, method });
      if (outcome.denied) {
        const { check, decision } = outcome.denied;
        report({ principal: holder.principal.arn, service: 'sts', operation: 'AssumeRole', action: check.action, resource: check.resource, result: decision.result, reason: decision.reason, policy: decision.policy });
        if (o.mode === 'enforce' || !outcome.answer) {
          return sendAwsError(res, { service: 'sts', protocol: 'query', kind: 'AccessDenied', message: denialMessage(holder.principal, check, decision), method });
        }
      }
      return outcome.answer?.(res);
    }

    const mapped = mapRequest(call, { directory: o.directory(), common });
    let denied: { check: AuthzRequest; decision: Decision } | undefined;
    for (const check of mapped.checks) {
      const decision = await evaluator.evaluate(holder.principal, check);
      if (!decision.allowed) {
        report({ principal: holder.principal.arn, service: auth.service, operation: mapped.operation, action: check.action, resource: check.resource, result: decision.result, reason: decision.reason, policy: decision.policy });
        denied ??= { check, decision };
      }
    }
    if (denied && o.mode === 'enforce') {
      // Nothing reaches the emulator: a denied write leaves the previous version as it was.
      if (!needsBody) req.resume();
      return sendAwsError(res, { service: auth.service, protocol, kind: 'AccessDenied', message: denialMessage(holder.principal, denied.check, denied.decision), method, resource: denied.check.resource });
    }
    return proceed();
  };

  /** --iam off: nothing is verified, but a service the emulator lacks is still answered by its handler. */
  const unchecked = async (req: IncomingMessage, res: ServerResponse, r: { method: string; path: string; rawQuery: string }) => {
    let auth: Authorization | undefined;
    try {
      auth = parseAuthorization({ method: r.method, path: r.path, rawQuery: r.rawQuery, headers: req.headers });
    } catch {
      auth = undefined;
    }
    const serve = auth ? o.services?.[auth.service] : undefined;
    if (!auth || !serve) return forward(req, res);
    const body = await readBody(req);
    return serve({ service: auth.service, region: auth.region, method: r.method, path: r.path, query: parseQuery(r.rawQuery), headers: req.headers, body }, res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`local gateway error: ${err.message}`);
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** The one line the local copy prints for a denial. */
export function denialLine(e: DenialEvent): string {
  const what = e.action ? `${e.action} on ${e.resource}` : `${e.operation}`;
  const verdict = e.mode === 'warn' ? 'would deny' : 'denied';
  return `[iam] ${verdict} ${e.principal}: ${what} ${e.reason}${e.policy ? ` (${e.policy})` : ''}`;
}
