import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Command } from 'commander';
import { clientConfig } from '../core/aws-config';
import { CliError, EXIT } from '../cli/shared/cli-errors';
import { resolveEnvironment } from '../cli/shared/env-resolve';
import { KvStore } from '../core/kvstore';
import { MAX_PRESIGN_SECONDS, presignRollback, RollbackReferenceError, rollbackReference } from '../core/rollback';
import { parseDuration } from '../cli/shared/duration';
import { runMain } from '../cli/shared/errors';

/**
 * npx tsx tools/rollback-link.ts <version> [--env dev] [--expires 1h] [--json]
 *
 * Prints a fresh download link for the exact object version deployed as <version> (scenario 3).
 * The same as composing the CLIs:
 *   ref=$(kvstore get deployment/rollback-v1.0.0 --format value)
 *   blob presign "s3://$(jq -r .bucket <<<"$ref")/$(jq -r .key <<<"$ref")?versionId=$(jq -r .versionId <<<"$ref")" --expires 1h
 */
async function main(argv: string[]): Promise<void> {
  const program = new Command('rollback-link')
    .argument('<version>', 'a deployed version, e.g. v1.0.0 (see: kvstore list deployment/rollback-)')
    .option('--env <name>', 'environment whose kvstore holds the reference', process.env.BLOB_ENV ?? 'dev')
    .option('--expires <duration>', 'link lifetime: 3600, 15m, 24h, up to 7d', '1h')
    .option('--json', 'print {url, bucket, key, versionId, version, commit, expiresIn} instead of the URL alone')
    .exitOverride()
    // Usage errors are reported once, by runMain, in the one-line format of every other error.
    .configureOutput({ outputError: () => undefined });
  program.parse(argv);
  const [version] = program.args as [string];
  const opts = program.opts<{ env: string; expires: string; json?: boolean }>();
  const expiresIn = parseDuration(opts.expires, '--expires');
  // Usage errors before any lookup.
  assertPresignLifetime(expiresIn);
  const env = await resolveEnvironment(opts.env);
  const ddb = new DynamoDBClient(clientConfig({ region: env.region }, 'dynamodb'));
  const ref = await rollbackReference(new KvStore(DynamoDBDocumentClient.from(ddb), env.tableName), version).catch((err: unknown) => {
    throw err instanceof RollbackReferenceError ? referenceError(err) : err;
  });
  const url = await presignRollback(new S3Client(clientConfig({ region: env.region }, 's3')), ref, expiresIn);
  process.stdout.write(opts.json ? `${JSON.stringify({ url, ...ref, expiresIn })}\n` : `${url}\n`);
  ddb.destroy();
}

function assertPresignLifetime(expiresInSeconds: number): void {
  if (expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new CliError(`--expires of ${expiresInSeconds}s is longer than 7 days`, EXIT.USAGE, 'SigV4 presigned URLs are valid for at most 7 days; mint a new link when it lapses');
  }
}

function referenceError(err: RollbackReferenceError): CliError {
  return err.reason === 'missing'
    ? new CliError(err.message, EXIT.NOT_FOUND, 'list deployed versions with: kvstore list deployment/rollback-')
    : new CliError(err.message, EXIT.CONFLICT, 'it was overwritten by hand; redeploy the artifact to record it again');
}

void runMain('rollback-link', () => main(process.argv));
