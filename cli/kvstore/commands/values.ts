import { Command, Option } from 'commander';
import { CliError, EXIT } from '../../shared/cli-errors';
import type { KvItem, KvValue } from '../../../core/kvstore-item';
import { printJson, printLine, writeOut } from '../../shared/output';
import { KvContext } from '../context';
import { parseInteger, parseTtl, rawValue, readValue } from '../input';
import { action, formatOption, ttlOption } from '../run';

/** get / set / inc / dec / del / list: plain values under namespace/name keys. */
export function itemJson(item: KvItem): Record<string, KvValue> {
  return {
    key: item.key,
    value: item.value,
    updated_at: item.updatedAt,
    ...(item.expiresAt !== undefined ? { expires_at: new Date(item.expiresAt * 1000).toISOString() } : {}),
  };
}

async function printValue(format: string, json: Record<string, KvValue>, value: KvValue): Promise<void> {
  if (format === 'value') await printLine(rawValue(value));
  else await printJson(json);
}

export function registerValueCommands(program: Command): void {
  program
    .command('get')
    .description('print a value (exit 5 when absent or expired)')
    .argument('<key>', 'namespace/name, e.g. deployment/latest-version')
    .addOption(formatOption())
    .action(
      action(async (ctx: KvContext, key: string, opts: { format: string }) => {
        ctx.key = key;
        const { store } = await ctx.open();
        const item = await store.get(key);
        if (!item) throw new CliError(`no value for "${key}"`, EXIT.NOT_FOUND, 'it was never set, was deleted, or expired; see `kvstore list`');
        await printValue(opts.format, itemJson(item), item.value);
      }),
    );

  program
    .command('set')
    .description('store a value: the text as given, or JSON with --json; - reads stdin')
    .argument('<key>', 'namespace/name')
    .argument('<value>', 'the value, or - for stdin (one trailing newline is dropped)')
    .option('--json', 'parse the value as JSON (numbers, objects, lists) instead of storing text')
    .addOption(ttlOption())
    .action(
      action(async (ctx: KvContext, key: string, raw: string, opts: { json?: boolean; ttl?: string }) => {
        ctx.key = key;
        const ttlSeconds = parseTtl(opts.ttl);
        // Table first: an oversized value's error can then name the environment's bucket.
        const { store } = await ctx.open();
        const value = await readValue(key, raw, !!opts.json);
        const item = await store.set(key, value, { ttlSeconds });
        const { value: _omit, ...rest } = itemJson(item);
        await printJson(rest);
      }),
    );

  for (const [name, sign] of [
    ['inc', 1],
    ['dec', -1],
  ] as const) {
    program
      .command(name)
      .description(`${sign > 0 ? 'increment' : 'decrement'} a counter atomically and print the new value (absent counts as 0)`)
      .argument('<key>', 'namespace/name')
      .option('--by <n>', 'step (integer)', '1')
      .option('--once <token>', 'apply at most once per token (e.g. bucket/key#version of the triggering event), so a redelivered event does not count twice')
      .addOption(ttlOption())
      .addOption(formatOption())
      .action(
        action(async (ctx: KvContext, key: string, opts: { by: string; once?: string; ttl?: string; format: string }) => {
          ctx.key = key;
          const by = parseInteger(opts.by, '--by') * sign;
          const ttlSeconds = parseTtl(opts.ttl);
          if (opts.once !== undefined && ttlSeconds !== undefined) throw new CliError('--once and --ttl cannot be combined', EXIT.USAGE, 'drop one of them');
          const { store } = await ctx.open();
          if (opts.once === undefined) {
            const value = await store.increment(key, by, { ttlSeconds });
            await printValue(opts.format, { key, value }, value);
            return;
          }
          const { applied } = await store.incrementOnce(key, by, opts.once);
          const value = (await store.get(key))?.value ?? null;
          await printValue(opts.format, { key, value, applied }, value);
        }),
      );
  }

  program
    .command('del')
    .alias('delete')
    .description('delete a key (succeeds when already absent; "deleted" says whether it was there)')
    .argument('<key>', 'namespace/name')
    .action(
      action(async (ctx: KvContext, key: string) => {
        ctx.key = key;
        const { store } = await ctx.open();
        await printJson({ key, deleted: await store.delete(key) });
      }),
    );

  program
    .command('list')
    .description('keys starting with PREFIX, in key order (one Query in the namespace PREFIX names)')
    .argument('<prefix>', 'namespace/ or namespace/start, e.g. deployment/ or deployment/rollback-')
    .addOption(new Option('--format <format>', 'json: {prefix, items, count}; keys: one key per line').choices(['json', 'keys']).default('json'))
    .option('--limit <n>', 'stop after n items')
    .action(
      action(async (ctx: KvContext, prefix: string, opts: { format: string; limit?: string }) => {
        ctx.key = prefix;
        const limit = opts.limit === undefined ? undefined : parseInteger(opts.limit, '--limit');
        if (limit !== undefined && limit < 1) throw new CliError('--limit must be at least 1', EXIT.USAGE, 'for example --limit 100');
        const { store } = await ctx.open();
        // Streamed: one item in memory at a time, however large the namespace.
        if (opts.format === 'keys') {
          for await (const item of store.list(prefix, { limit })) await printLine(item.key);
          return;
        }
        let count = 0;
        await writeOut(`{\n  "prefix": ${JSON.stringify(prefix)},\n  "items": [`);
        for await (const item of store.list(prefix, { limit })) {
          await writeOut(`${count++ ? ',' : ''}\n    ${JSON.stringify(itemJson(item))}`);
        }
        await writeOut(`${count ? '\n  ' : ''}],\n  "count": ${count}\n}\n`);
      }),
    );
}
