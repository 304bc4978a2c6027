import { CliError, EXIT } from '../../cli/shared/cli-errors';
import { asDirectoryPrefix, formatS3Uri, parseS3Target, requireObjectKey } from '../../cli/blob/s3-uri';

describe('parseS3Target', () => {
  it.each([
    ['s3://bucket/key.json', { bucket: 'bucket', key: 'key.json' }],
    ['s3://bucket/a/b/c.txt', { bucket: 'bucket', key: 'a/b/c.txt' }],
    ['s3://bucket', { bucket: 'bucket', key: '' }],
    ['s3://bucket/', { bucket: 'bucket', key: '' }],
    ['s3://my.bucket-1/p/', { bucket: 'my.bucket-1', key: 'p/' }],
    ['s3://config/app-config.yaml?versionId=v1-xyz789', { bucket: 'config', key: 'app-config.yaml', versionId: 'v1-xyz789' }],
    ['sessions/a.json', { key: 'sessions/a.json' }],
    ['/sessions/a.json', { key: 'sessions/a.json' }],
  ])('%s', (input, expected) => {
    expect(parseS3Target(input)).toEqual(expected);
  });

  it.each([
    ['', /empty S3 location/],
    ['s3:/bucket/key', /malformed S3 URI/],
    ['s3:bucket/key', /malformed S3 URI/],
    ['s3:///key', /no bucket/],
    ['s3://UPPER/key', /invalid bucket name/],
    ['s3://ab/key', /invalid bucket name/],
    ['s3://bad_bucket/key', /invalid bucket name/],
    ['s3://a..b/key', /invalid bucket name/],
    ['https://bucket.s3.amazonaws.com/key', /not an S3 location/],
    ['s3://bucket/key?versionId=', /empty versionId/],
  ])('rejects %j as bad usage', (input, message) => {
    let err: unknown;
    try {
      parseS3Target(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.USAGE);
    expect((err as CliError).message).toMatch(message);
    expect((err as CliError).hint).toBeTruthy();
  });
});

describe('helpers', () => {
  it('formats, requires object keys and normalises prefixes', () => {
    expect(formatS3Uri({ bucket: 'b', key: 'k/x' })).toBe('s3://b/k/x');
    expect(() => requireObjectKey({ bucket: 'b', key: 'dir/' }, 's3://b/dir/')).toThrow(/names a prefix/);
    expect(() => requireObjectKey({ bucket: 'b', key: '' }, 's3://b')).toThrow(/names a prefix/);
    expect(requireObjectKey({ bucket: 'b', key: 'f' }, 's3://b/f')).toEqual({ bucket: 'b', key: 'f' });
    expect(asDirectoryPrefix('')).toBe('');
    expect(asDirectoryPrefix('a')).toBe('a/');
    expect(asDirectoryPrefix('a/')).toBe('a/');
  });
});
