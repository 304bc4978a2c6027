import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { CliError, EXIT } from '../shared/cli-errors';
import type { KvStore } from '../../core/kvstore';
import { clientOptions, GlobalOptions, globalOptions } from '../shared/options';

/**
 * Per-invocation state of a kvstore command: which table (from --table, or the environment's
 * published table via --env / BLOB_ENV), in which region, and the client to reach it. The table is
 * resolved lazily so usage errors surface before any network call.
 */
export interface KvOptions extends GlobalOptions {
  table?: string;
}

export interface KvTarget {
  readonly store: KvStore;
  readonly tableName: string;
  /** The environment's bucket, when known: oversize-value errors name it in their `blob put` hint. */
  readonly bucketName?: string;
}

export class KvContext {
  readonly options: KvOptions;
  private target?: Promise<KvTarget>;
  private client?: DynamoDBClient;

  /** From a parsed command, or from options already validated (blob mcp builds one per server). */
  constructor(source: Command | KvOptions) {
    this.options = 'optsWithGlobals' in source ? (globalOptions(source) as KvOptions) : source;
  }

  /** For error messages: the key being worked on and the table, once known. */
  key?: string;
  tableName?: string;
  bucketName?: string;

  open(): Promise<KvTarget> {
    this.target ??= this.resolve();
    return this.target;
  }

  private async resolve(): Promise<KvTarget> {
    const o = this.options;
    let tableName = o.table;
    let region = o.region;
    if (!tableName) {
      if (!o.env) {
        throw new CliError('no kvstore table given', EXIT.USAGE, 'pass --env <dev|staging|prod> (or set BLOB_ENV), or --table <name>');
      }
      const env = await (await import('../shared/env-resolve')).resolveEnvironment(o.env, clientOptions(o));
      tableName = env.tableName;
      region ??= env.region;
      this.bucketName = env.bucketName;
    }
    this.tableName = tableName;
    // The SDK loads here, once a command needs the table: `kvstore --help` and usage errors never pay for it.
    const [{ DynamoDBClient, DynamoDBDocumentClient }, { clientConfig }, { KvStore }] = await Promise.all([
      import('../shared/sdk/dynamodb'),
      import('../../core/aws-config'),
      import('../../core/kvstore'),
    ]);
    this.client = new DynamoDBClient(clientConfig(clientOptions({ ...o, ...(region ? { region } : {}) }), 'dynamodb'));
    const doc = DynamoDBDocumentClient.from(this.client, { marshallOptions: { removeUndefinedValues: true } });
    return { store: new KvStore(doc, tableName), tableName, ...(this.bucketName ? { bucketName: this.bucketName } : {}) };
  }

  /** Closes keep-alive sockets so the process exits as soon as the command is done. */
  close(): void {
    this.client?.destroy();
  }
}
