import { S3ServiceException } from '@aws-sdk/client-s3';
import { CliError, EXIT } from '../../cli/shared/cli-errors';
import { toCliError } from '../../cli/shared/errors';

/**
 * AWS and local failures map to the documented exit codes. Throttling and 5xx reach this mapping
 * only after the SDK's standard retries (core/aws-config maxAttempts), which the emulator cannot
 * be made to produce on demand, so they are built here as the SDK would surface them.
 */
const aws = (name: string, status: number, attempts = 1): S3ServiceException =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts }, message: `${name} happened` });

describe('toCliError', () => {
  it.each([
    [aws('NoSuchKey', 404), EXIT.NOT_FOUND, /get s3:\/\/b\/k: not found/],
    [aws('NoSuchBucket', 404), EXIT.NOT_FOUND, /bucket does not exist/],
    [aws('NotFound', 404), EXIT.NOT_FOUND, /not found/],
    [aws('AccessDenied', 403), EXIT.AUTH, /access denied/],
    [aws('InvalidAccessKeyId', 403), EXIT.AUTH, /access denied/],
    [aws('ExpiredToken', 400), EXIT.AUTH, /access denied/],
    [aws('SlowDown', 503, 5), EXIT.UNAVAILABLE, /service unavailable \(SlowDown\) after 5 attempts/],
    [aws('InternalError', 500, 5), EXIT.UNAVAILABLE, /after 5 attempts/],
    [aws('ServiceUnavailable', 503, 5), EXIT.UNAVAILABLE, /service unavailable/],
    [aws('PreconditionFailed', 412), EXIT.CONFLICT, /precondition failed/],
    [aws('InvalidRange', 416), EXIT.USAGE, /InvalidRange/],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), EXIT.UNAVAILABLE, /cannot reach the service/],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), EXIT.AUTH, /no usable AWS credentials/],
    [Object.assign(new Error("ENOENT: no such file or directory, stat 'x'"), { code: 'ENOENT', syscall: 'stat', path: 'x' }), EXIT.LOCAL_IO, /no such file or directory: x/],
    [Object.assign(new Error("EACCES: permission denied, open 'y'"), { code: 'EACCES', syscall: 'open', path: 'y' }), EXIT.LOCAL_IO, /permission denied: y/],
    [new Error('Region is missing'), EXIT.CONFIG, /no AWS region/],
    [new TypeError('x is not a function'), EXIT.FAILURE, /TypeError: x is not a function/],
  ])('%s', (err, exit, message) => {
    const e = toCliError(err, { what: 'get s3://b/k' });
    expect(e).toBeInstanceOf(CliError);
    expect(e.exitCode).toBe(exit);
    expect(e.message).toMatch(message);
    const line = e.line('blob');
    expect(line).toMatch(/^blob: error: .+ \(.+\)$/);
    expect(line).not.toContain('\n');
  });

  it('passes CliErrors through unchanged', () => {
    const original = new CliError('bad', EXIT.USAGE, 'fix it');
    expect(toCliError(original, { what: 'x' })).toBe(original);
  });
});
