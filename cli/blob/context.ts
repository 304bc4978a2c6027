import type { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { CliError, EXIT } from '../shared/cli-errors';
import type { ResolvedEnvironment } from '../shared/env-resolve';
import { chooseVersion, parseS3Target, requireObjectKey, S3Location } from './s3-uri';
import { clientOptions, GlobalOptions, globalOptions, s3Client } from '../shared/options';
import { mapLogicalStore, StoreResolver } from '../shared/logical-stores';

/** Where a command acts; `store` is the logical store the user addressed, if any (README "Logical stores"). */
export interface BlobLocation extends S3Location {
  readonly store?: string;
}

/**
 * Per-invocation state of a blob command: global options, the S3 client (created once, after any
 * environment lookup so the environment's region applies) and short-form key resolution.
 */
export class BlobContext {
  readonly options: GlobalOptions;
  private client?: Promise<S3Client>;
  private environment?: Promise<ResolvedEnvironment>;

  /** From a parsed command, or from options already validated (blob mcp builds one per server). */
  constructor(source: Command | GlobalOptions) {
    this.options = 'optsWithGlobals' in source ? globalOptions(source) : source;
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
   * s3://bucket/key as given, s3://<logical store>/key as <env bucket>/<store>/key (with an
   * environment selected); a bare key goes to the bucket of --env/BLOB_ENV, else BLOB_BUCKET.
   * A `?versionId=` suffix (URI or bare key) and `versionId` (--version-id) must agree.
   */
  async location(input: string, versionId?: string): Promise<BlobLocation> {
    const t = parseS3Target(input, { literalKey: this.options.literalKey });
    let bucket = t.bucket;
    let key = t.key;
    let store: string | undefined;
    if (bucket) {
      const mapped = await mapLogicalStore({ bucket, key }, this.storeResolver());
      if (mapped) ({ bucket, key, store } = mapped);
    } else {
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
    const v = chooseVersion(t.versionId, versionId, input);
    return { bucket, key, ...(v ? { versionId: v } : {}), ...(store ? { store } : {}) };
  }

  async object(input: string, versionId?: string): Promise<BlobLocation> {
    const loc = await this.location(input, versionId);
    requireObjectKey(loc, input);
    return loc;
  }

  private storeResolver(): StoreResolver {
    return {
      environment: () => (this.options.env ? this.env() : undefined),
      bucketReachable: async (name) => {
        const { HeadBucketCommand } = await import('../shared/sdk/s3');
        // Only a 200 proves a bucket the caller could mean; 403/404/network say nothing either way.
        return (await this.s3()).send(new HeadBucketCommand({ Bucket: name })).then(
          () => true,
          () => false,
        );
      },
    };
  }
}

function defaultRegion(): string | undefined {
  // The SDK reads AWS_REGION but not AWS_DEFAULT_REGION (the AWS CLI's name); scripts set either.
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}

export function uri(loc: { bucket: string; key: string }): string {
  return `s3://${loc.bucket}/${loc.key}`;
}
