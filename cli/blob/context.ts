import type { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { CliError, EXIT } from '../shared/cli-errors';
import type { ResolvedEnvironment } from '../shared/env-resolve';
import { parseS3Target, requireObjectKey, S3Location } from './s3-uri';
import { clientOptions, GlobalOptions, globalOptions, s3Client } from '../shared/options';

/**
 * Per-invocation state of a blob command: global options, the S3 client (created once, after any
 * environment lookup so the environment's region applies) and short-form key resolution.
 */
export class BlobContext {
  readonly options: GlobalOptions;
  private client?: Promise<S3Client>;
  private environment?: Promise<ResolvedEnvironment>;

  constructor(cmd: Command) {
    this.options = globalOptions(cmd);
  }

  get quiet(): boolean {
    return !!this.options.quiet;
  }

  async env(): Promise<ResolvedEnvironment> {
    const name = this.options.env;
    if (!name) throw new CliError('no environment given', EXIT.USAGE, 'pass --env <dev|staging|prod> or set BLOB_ENV');
    this.environment ??= import('../shared/env-resolve').then((m) => m.resolveEnvironment(name, clientOptions(this.options)));
    return this.environment;
  }

  async s3(): Promise<S3Client> {
    this.client ??= (async () => {
      const region = this.options.region ?? (this.environment ? (await this.environment).region : undefined) ?? defaultRegion();
      return s3Client({ ...this.options, ...(region ? { region } : {}) });
    })();
    return this.client;
  }

  /**
   * s3://bucket/key as given; a bare key goes to the bucket of --env/BLOB_ENV, else BLOB_BUCKET.
   * A `?versionId=` suffix on a URI is honoured; `versionId` overrides it when given.
   */
  async location(input: string, versionId?: string): Promise<S3Location> {
    const t = parseS3Target(input);
    let bucket = t.bucket;
    if (!bucket) {
      if (this.options.env) bucket = (await this.env()).bucketName;
      else if (process.env.BLOB_BUCKET) bucket = process.env.BLOB_BUCKET;
      else {
        throw new CliError(
          `"${input}" is not an s3:// URI and no bucket is known for a short key`,
          EXIT.USAGE,
          'write s3://bucket/key, or pass --env <name> (or set BLOB_ENV / BLOB_BUCKET)',
        );
      }
    }
    const v = versionId ?? t.versionId;
    return { bucket, key: t.key, ...(v ? { versionId: v } : {}) };
  }

  async object(input: string, versionId?: string): Promise<S3Location> {
    return requireObjectKey(await this.location(input, versionId), input);
  }
}

function defaultRegion(): string | undefined {
  // The SDK reads AWS_REGION but not AWS_DEFAULT_REGION (the AWS CLI's name); scripts set either.
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}

export function uri(loc: { bucket: string; key: string }): string {
  return `s3://${loc.bucket}/${loc.key}`;
}
