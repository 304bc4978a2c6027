import { CliError, EXIT } from '../../shared/cli-errors';
import type { AuditRecord } from '../../../core/audit';
import { printJson } from '../../shared/output';
import { clientOptions } from '../../shared/options';
import { BlobContext, uri } from '../context';
import { refuseVersion } from '../s3-uri';

/** `blob history KEY`: the audit trail the pipelines record per object key, newest first. */
export async function history(ctx: BlobContext, key: string, flags: { limit?: string }): Promise<void> {
  await printJson(await historyOf(ctx, key, flags));
}

export async function historyOf(ctx: BlobContext, key: string, flags: { limit?: string }): Promise<{ uri: string; history: AuditRecord[] }> {
  const limit = Number(flags.limit ?? '50');
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`invalid --limit "${flags.limit}"`, EXIT.USAGE, 'give a positive integer');
  const env = await ctx.env();
  if (!env.auditTableName) {
    throw new CliError(`environment "${env.env}" publishes no audit table`, EXIT.CONFIG, 'deploy the pipelines stack (it creates the audit table) or start the local copy');
  }
  const loc = refuseVersion(await ctx.object(key), key, 'the key whose history is listed');
  if (loc.bucket !== env.bucketName) {
    throw new CliError(`history covers only the environment's bucket ${env.bucketName}`, EXIT.USAGE, `use s3://${env.bucketName}/KEY or a bare key`);
  }
  const [{ DynamoDBClient, DynamoDBDocumentClient }, { clientConfig }, { queryHistory }] = await Promise.all([
    import('../../shared/sdk/dynamodb'),
    import('../../../core/aws-config'),
    import('../../../core/audit'),
  ]);
  const client = new DynamoDBClient(clientConfig(clientOptions(ctx.options, { region: ctx.options.region ?? env.region }), 'dynamodb'));
  try {
    const records = await queryHistory(DynamoDBDocumentClient.from(client), env.auditTableName, loc.key, { limit });
    return { uri: uri(loc), history: records };
  } finally {
    client.destroy();
  }
}
