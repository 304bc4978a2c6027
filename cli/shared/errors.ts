import { CommanderError } from 'commander';
import { CliError, EXIT, ExitCode } from './cli-errors';
import { isLocalIoError, localIoError } from './local-io';
import { isBrokenPipe } from './output';

/**
 * Turns whatever a command threw into the one-line, exit-coded CliError the user sees. AWS SDK
 * errors are classified by name and HTTP status; the SDK has already retried throttling and 5xx
 * with backoff, so reaching here with one means the service kept failing.
 */
interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: unknown;
}

const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'NoSuchVersion', 'NoSuchUpload', 'ResourceNotFoundException', 'ParameterNotFound', 'NoSuchTagSet']);
const AUTH = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidToken',
  'CredentialsProviderError',
  'InvalidClientTokenId',
]);
const CONFLICT = new Set(['PreconditionFailed', 'ConditionalCheckFailedException', 'InvalidObjectState', 'BucketAlreadyOwnedByYou']);
const THROTTLE = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException', 'ServiceUnavailable', 'InternalError']);
const USAGE = new Set(['InvalidArgument', 'InvalidRequest', 'InvalidRange', 'InvalidStorageClass', 'InvalidTag', 'MalformedXML', 'KeyTooLongError', 'InvalidBucketName', 'EntityTooLarge', 'ValidationException', 'MetadataTooLarge', 'InvalidPart']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'TimeoutError', 'EPROTO']);

export interface ErrorContext {
  /** What the command was doing, e.g. `get s3://b/k`. */
  readonly what?: string;
}

export function toCliError(err: unknown, ctx: ErrorContext = {}): CliError {
  if (err instanceof CliError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const name = e.name ?? '';
  const code = e.Code ?? e.code ?? name;
  const status = e.$metadata?.httpStatusCode;
  const prefix = ctx.what ? `${ctx.what}: ` : '';
  const msg = oneLine(e.message || name || String(err));
  const mk = (exit: ExitCode, text: string, hint: string): CliError => new CliError(`${prefix}${text}`, exit, hint);

  if (isLocalIoError(err)) return localIoError(err, undefined, ctx.what);
  if (NETWORK.has(code) || NETWORK.has(name) || /socket hang up|ECONNREFUSED|getaddrinfo/.test(msg)) {
    return mk(EXIT.UNAVAILABLE, `cannot reach the service (${msg})`, 'check --endpoint / AWS_ENDPOINT_URL and the network; retried with backoff already');
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials|Could not resolve credentials|profile .* could not be found/i.test(msg)) {
    return mk(EXIT.AUTH, `no usable AWS credentials (${msg})`, 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login');
  }
  if (/Region is missing/i.test(msg)) {
    return mk(EXIT.CONFIG, 'no AWS region configured', 'pass --region or set AWS_REGION');
  }
  if (NOT_FOUND.has(code) || NOT_FOUND.has(name) || status === 404) {
    const what = code === 'NoSuchBucket' ? 'bucket does not exist' : code === 'NoSuchVersion' ? 'version does not exist' : code === 'NoSuchUpload' ? 'upload does not exist' : 'not found';
    return mk(EXIT.NOT_FOUND, what, code === 'NoSuchBucket' ? 'check the bucket name or --env' : 'check the key with `blob list` and version ids with `blob versions`');
  }
  if (AUTH.has(code) || AUTH.has(name) || status === 403) {
    // AWS's denial names principal, action and resource ("User: … is not authorized to perform: …"): keep it.
    const why = /is not authorized to perform/.test(msg) ? `: ${msg}` : '';
    return mk(EXIT.AUTH, `access denied (${code || status})${why}`, 'check your credentials and that your role may do this on this bucket/prefix');
  }
  if (CONFLICT.has(code) || status === 412 || status === 409) {
    return mk(EXIT.CONFLICT, `precondition failed (${code || status}): ${msg}`, 'the object changed meanwhile; retry');
  }
  if (USAGE.has(code) || USAGE.has(name) || status === 416) {
    return mk(EXIT.USAGE, `the service rejected the request (${code || status}): ${msg}`, 'check the arguments with --help');
  }
  if (THROTTLE.has(code) || THROTTLE.has(name) || (status !== undefined && status >= 500)) {
    const attempts = e.$metadata?.attempts;
    return mk(EXIT.UNAVAILABLE, `service unavailable (${code || status})${attempts ? ` after ${attempts} attempts` : ''}`, 'try again later');
  }
  return mk(EXIT.FAILURE, `${name && name !== 'Error' ? `${name}: ` : ''}${msg}`, 'this is unexpected; rerun with BLOB_DEBUG=1 for a stack trace');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 400);
}

export interface RunMainOptions {
  /**
   * Exit as soon as the error line is printed, for long-running entry points (npm run local, the
   * bench) whose workers, servers or child processes would otherwise keep the process alive.
   */
  readonly exitOnError?: boolean;
}

/**
 * Runs an entry point — the CLIs, npm run local/demo/redrive/cost/bench, tools — the one way:
 * prints one error line and exits with its code; a closed stdout pipe ends quietly. A commander
 * usage error (with exitOverride) is a usage error; help and version end successfully.
 */
export async function runMain(program: string, main: () => Promise<void>, options: RunMainOptions = {}): Promise<void> {
  // stderr is part of the CLI contract (one error line); the SDK's Node-version notice is for
  // maintainers (package.json engines), not for every script run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.stdout.on('error', (err) => {
    if (isBrokenPipe(err)) process.exit(EXIT.OK);
  });
  try {
    await main();
  } catch (err) {
    if (isBrokenPipe(err)) process.exit(EXIT.OK);
    if (err instanceof CommanderError && err.exitCode === 0) return;
    const cliErr = err instanceof CommanderError ? new CliError(err.message.replace(/^error:\s*/, ''), EXIT.USAGE, `see ${program} --help`) : toCliError(err);
    if (process.env.BLOB_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.stderr.write(`${cliErr.line(program)}\n`);
    process.exitCode = cliErr.exitCode;
    if (options.exitOnError) process.exit(cliErr.exitCode);
  }
}
