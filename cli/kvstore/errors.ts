import { CommanderError } from 'commander';
import { CliError, EXIT } from '../shared/cli-errors';
// The error classes come from the modules that define them, not core/kvstore (which loads the
// DynamoDB client): every kvstore invocation, even `--help`, loads this mapping.
import { InvalidKeyError } from '../../core/kvstore-key';
import { NotANumberError } from '../../core/kvstore-item';
import { LockHeldError, StaleTokenError } from './lock-errors';
import { formatSize, MAX_ITEM_BYTES, ValueTooLargeError } from '../../core/kvstore-size';
import { toCliError } from '../shared/errors';

/**
 * kvstore's own failures mapped to exit codes; everything else (credentials, network, throttling)
 * goes through the mapping shared with `blob`. Oversized values exit CONFLICT (6): the request was
 * well-formed but cannot be stored in a DynamoDB item.
 */
export interface KvErrorContext {
  readonly key?: string;
  readonly tableName?: string;
  readonly bucketName?: string;
}

export function blobHint(key: string | undefined, bucketName: string | undefined): string {
  const target = `s3://${bucketName ?? '<bucket>'}/kvstore/${key ?? '<key>'}`;
  return `store it with \`blob put - ${target}\` and keep the URI in kvstore: \`kvstore set ${key ?? '<key>'} ${target}\``;
}

export function toKvCliError(err: unknown, ctx: KvErrorContext = {}): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof CommanderError) {
    const text = err.message.replace(/^error:\s*/i, '').replace(/\s+/g, ' ').trim();
    return new CliError(text, EXIT.USAGE, 'see kvstore --help');
  }
  if (err instanceof InvalidKeyError) return new CliError(err.message, EXIT.USAGE, 'for example deployment/latest-version');
  if (err instanceof ValueTooLargeError) return new CliError(err.message, EXIT.CONFLICT, blobHint(err.key, ctx.bucketName));
  if (err instanceof NotANumberError) return new CliError(err.message, EXIT.CONFLICT, `start a counter with \`kvstore set ${err.key} 0\` or \`kvstore del ${err.key}\``);
  if (err instanceof LockHeldError) return new CliError(err.message, EXIT.CONFLICT, 'retry later, or pass --wait 30s to wait for it');
  if (err instanceof StaleTokenError) return new CliError(err.message, EXIT.CONFLICT, 'acquire the lock again; work done under the old token may have raced another holder');
  const e = err as { name?: string; message?: string };
  if (e?.name === 'ResourceNotFoundException') {
    return new CliError(
      `kvstore table ${ctx.tableName ? `"${ctx.tableName}" ` : ''}not found`,
      EXIT.NOT_FOUND,
      'check --table, or --env and --region (the table is created by the Storage stack)',
    );
  }
  if (e?.name === 'ValidationException' && /item size|maximum allowed size/i.test(e.message ?? '')) {
    return new CliError(
      `value${ctx.key ? ` for "${ctx.key}"` : ''} makes the item larger than DynamoDB allows; kvstore items are limited to ${formatSize(MAX_ITEM_BYTES)}`,
      EXIT.CONFLICT,
      blobHint(ctx.key, ctx.bucketName),
    );
  }
  return toCliError(err);
}
