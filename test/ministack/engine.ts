import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/emulator/moto';

/**
 * MiniStack (PyPI `ministack`, pinned in tools/requirements-ministack.txt) as an independent AWS
 * engine for tests: a different emulator from the local copy's moto, so a deploy that works on both
 * does not depend on one emulator's quirks. Started with AUTH=true (SigV4 signatures of IAM users and
 * STS sessions checked, identity and resource policies evaluated) and USE_SSL=1 (CDK's bootstrap
 * bucket denies every request without aws:SecureTransport, so AUTH=true needs TLS) on a free
 * 127.0.0.1 port, in its own process group, with its own TMPDIR (certificate, PID file, Lambda code).
 */
export interface MiniStack {
  /** https://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of MiniStack, which is also its process-group id (Lambda workers run in the group). */
  readonly pid: number;
  /** The account MiniStack attributes to the admin credentials (and names in every ARN). */
  readonly account: string;
  /**
   * The admin: MiniStack treats its own AWS_ACCESS_KEY_ID (and a 12-digit key naming an account) as
   * that account's root, allowed everything and not signature-checked. Every other caller — the
   * CDK bootstrap roles the CLI assumes, CloudFormation's execution role, each Lambda's execution
   * role — is an STS session whose signature and policies are checked.
   */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** PEM of MiniStack's self-signed server certificate (for NODE_EXTRA_CA_CERTS / `ca`). */
  readonly certFile: string;
  /** The system roots plus that certificate (for AWS_CA_BUNDLE, which replaces the store). */
  readonly caBundle: string;
  /**
   * The whole environment for a child process (CDK CLI, blob, kvstore, aws) talking to this engine
   * as admin: the caller's environment without its AWS and CA settings, plus this engine's.
   */
  clientEnv(region: string): Record<string, string>;
  /** The last lines MiniStack wrote (stdout and stderr), for failure messages. */
  logTail(lines?: number): string;
  /** Stops MiniStack and everything it started (SIGTERM to the group, SIGKILL after 5 s). */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly port?: number;
  /** Default 60 s: a cold Python import of MiniStack takes 2–5 s on a busy 2-core machine. */
  readonly timeoutMs?: number;
  readonly account?: string;
}

const ROOT = join(__dirname, '..', '..');
const VENV_PYTHON = join(ROOT, '.venv', 'ministack', 'bin', 'python');

/**
 * Starts MiniStack's own main() after one change: it also binds 443 when it can (for Cognito
 * issuer URLs), which as root on a shared machine would take a privileged port outside the
 * free one we chose. Everything else is MiniStack as shipped.
 */
const LAUNCHER = [
  'import ministack.app as app',
  'app._port_is_bindable = lambda host, port: False',
  'app.main()',
].join('\n');

/**
 * Variables of the caller that would change what MiniStack (and the Lambda workers it spawns with
 * its own environment) does: credentials and endpoints of whoever runs the tests, and the
 * machine-wide CA settings that MiniStack only fills in when unset (it would then keep the system
 * bundle and its own Node workers could not verify its certificate).
 */
const INHERITED_OVERRIDES = /^(AWS_|CDK_|NODE_PATH$|NODE_EXTRA_CA_CERTS$|SSL_CERT_FILE$|REQUESTS_CA_BUNDLE$|CURL_CA_BUNDLE$|LOCALSTACK_|MINISTACK_|GATEWAY_PORT$|EDGE_PORT$|AUTH$|USE_SSL$)/;

function inheritedEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !INHERITED_OVERRIDES.test(e[0])));
}

/** Creates .venv/ministack with the pinned MiniStack on first use; throws with pip's output if it cannot. */
export function ensureMiniStackInstalled(): void {
  try {
    execFileSync('bash', [join(ROOT, 'tools', 'ensure-ministack.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`could not install MiniStack (tools/ensure-ministack.sh): ${e.stderr?.toString().trim() || e.message}`, { cause: err });
  }
  if (!existsSync(VENV_PYTHON)) throw new Error(`MiniStack's virtualenv has no interpreter at ${VENV_PYTHON}`);
}


/** GET over TLS trusting exactly MiniStack's certificate; resolves to status and body. */
function getTls(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, method: 'GET', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function systemRoots(): string {
  for (const f of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem']) {
    if (existsSync(f)) return readFileSync(f, 'utf8');
  }
  return '';
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startMiniStack(options: StartOptions = {}): Promise<MiniStack> {
  ensureMiniStackInstalled();
  const port = options.port ?? (await freePort());
  const account = options.account ?? '000000000000';
  const credentials = { accessKeyId: 'AKIAMINISTACKADMIN00', secretAccessKey: 'ministack-admin-secret' };
  // Private TMPDIR: MiniStack keeps its generated certificate, PID file and unpacked Lambda code
  // under it, so parallel runs never share (or regenerate) each other's certificate.
  const dir = mkdtempSync(join(tmpdir(), 'blob-ministack-'));
  const certFile = join(dir, 'ministack-tls', 'server.crt');
  const caBundle = join(dir, 'ca-bundle.pem');
  // AWS's Node.js runtimes ship the AWS SDK v3 (@aws-sdk/*); MiniStack's local Node runner ships
  // none. Our functions bundle theirs, but CDK's own provider handlers (autoDeleteObjects and other
  // custom resources) require('@aws-sdk/client-s3') from the runtime. A directory holding only the
  // @aws-sdk scope (a link into node_modules; its dependencies resolve from the link's real path)
  // on NODE_PATH gives MiniStack's runner what the Lambda runtime has, and nothing more.
  const runtimeModules = join(dir, 'lambda-runtime-node_modules');
  mkdirSync(runtimeModules);
  symlinkSync(join(ROOT, 'node_modules', '@aws-sdk'), join(runtimeModules, '@aws-sdk'), 'dir');
  const inherited = inheritedEnvironment();
  const child: ChildProcess = spawn(VENV_PYTHON, ['-c', LAUNCHER], {
    // Its own process group: stop() signals the group, which takes the Node workers MiniStack
    // spawns for each function with it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dir,
    env: {
      ...inherited,
      TMPDIR: dir,
      AUTH: 'true',
      USE_SSL: '1',
      GATEWAY_PORT: String(port),
      BIND_HOST: '127.0.0.1',
      MINISTACK_ACCOUNT_ID: account,
      // The admin key (MiniStack's root for MINISTACK_ACCOUNT_ID).
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      // Lambda workers inherit this environment; MiniStack would add its certificate only if these
      // were unset, and this machine sets them to the system bundle.
      NODE_EXTRA_CA_CERTS: certFile,
      AWS_CA_BUNDLE: caBundle,
      // No IoT MQTT listener on a second port (it needs `cryptography`, absent, but say so).
      NODE_PATH: runtimeModules,
      IOT_MTLS_ENABLED: '0',
      PYTHONUNBUFFERED: '1',
      LOG_LEVEL: 'INFO',
      // The AWS SDK's Node 22 notice, once per worker, would fill the function logs.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${VENV_PYTHON}`);
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Never leave MiniStack or its workers behind, even when jest exits without calling stop().
  const killOnExit = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tail = (lines = 40) => log.trim().split('\n').slice(-lines).join('\n');

  const stop = async () => {
    if (groupAlive(pid)) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* raced with exit */
      }
      const deadline = Date.now() + 5_000;
      while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        while (groupAlive(pid)) await new Promise((r) => setTimeout(r, 50));
      }
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1_000))]);
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const endpoint = `https://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`MiniStack exited (${child.exitCode ?? child.signalCode}) before it was ready on port ${port}:\n${tail(15)}`);
    }
    // The certificate is written before the port opens; until both exist, "not yet".
    const res = existsSync(certFile) ? await getTls(`${endpoint}/_ministack/health`, readFileSync(certFile, 'utf8')).catch(() => undefined) : undefined;
    if (res?.status === 200) {
      const health = JSON.parse(res.body) as { auth?: string; version?: string };
      if (health.auth === 'enabled') break;
      await stop();
      throw new Error(`MiniStack ${health.version ?? '?'} reports auth "${health.auth ?? '?'}", expected "enabled" (AUTH=true)`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`MiniStack did not answer on ${endpoint} within ${timeoutMs / 1000} s:\n${tail(15)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // AWS_CA_BUNDLE replaces the trust store of the tools that read it (botocore, the AWS CLI), so
  // it carries the system roots as well as MiniStack's certificate.
  writeFileSync(caBundle, `${systemRoots()}\n${readFileSync(certFile, 'utf8')}`);

  return {
    endpoint,
    port,
    pid,
    account,
    credentials,
    certFile,
    caBundle,
    clientEnv: (region) => ({
      ...inheritedEnvironment(),
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      NODE_EXTRA_CA_CERTS: certFile,
      AWS_CA_BUNDLE: caBundle,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }),
    logTail: tail,
    stop,
  };
}
