import { Command } from 'commander';
import { CliError, EXIT } from '../../shared/cli-errors';
import type { QueueItem } from '../kvstore-queue';
import type { KvValue } from '../../../core/kvstore-item';
import { parseDuration } from '../../shared/duration';
import { printJson, printLine } from '../../shared/output';
import { KvContext } from '../context';
import { parseTtl, rawValue, readValue } from '../input';
import { action, formatOption, ttlOption } from '../run';

/** The queue protocol loads with the DynamoDB client, when a queue command runs (not for --help). */
const queueProtocol = async () => (await import('../kvstore-queue')).KvQueue;

/** queue push / pop: FIFO queues; pop hands each item to exactly one consumer. */
function itemJson(item: QueueItem, withValue: boolean): Record<string, KvValue> {
  return {
    queue: item.queue,
    seq: item.seq,
    ...(withValue ? { value: item.value } : {}),
    pushed_at: item.pushedAt,
    ...(item.expiresAt !== undefined ? { expires_at: new Date(item.expiresAt * 1000).toISOString() } : {}),
  };
}

export function registerQueueCommands(program: Command): void {
  const queue = program.command('queue').description('FIFO queues: each pushed item is popped by exactly one consumer');

  queue
    .command('push')
    .description('append a value (text, or JSON with --json; - reads stdin) and print its sequence number')
    .argument('<name>', 'queue name, e.g. jobs/resize')
    .argument('<value>', 'the value, or - for stdin')
    .option('--json', 'parse the value as JSON')
    .option('--once <token>', 'push at most once per token (e.g. the triggering event id): a redelivered push adds nothing')
    .addOption(ttlOption())
    .action(
      action(async (ctx: KvContext, name: string, raw: string, opts: { json?: boolean; once?: string; ttl?: string }) => {
        ctx.key = name;
        const ttlSeconds = parseTtl(opts.ttl);
        const { store } = await ctx.open();
        const value = await readValue(name, raw, !!opts.json);
        const item = await new (await queueProtocol())(store).push(name, value, { ttlSeconds, onceToken: opts.once });
        await printJson(item.duplicate ? { queue: item.queue, duplicate: true } : itemJson(item, false));
      }),
    );

  queue
    .command('pop')
    .description('remove and print the oldest item; exit 6 when the queue is empty')
    .argument('<name>', 'queue name')
    .option('--wait <duration>', 'poll for up to this long while the queue is empty')
    .addOption(formatOption())
    .action(
      action(async (ctx: KvContext, name: string, opts: { wait?: string; format: string }) => {
        ctx.key = name;
        const deadline = Date.now() + (opts.wait === undefined ? 0 : parseDuration(opts.wait, '--wait') * 1000);
        const queues = new (await queueProtocol())((await ctx.open()).store);
        for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
          const item = await queues.pop(name);
          if (item) {
            if (opts.format === 'value') await printLine(rawValue(item.value));
            else await printJson(itemJson(item, true));
            return;
          }
          const left = deadline - Date.now();
          if (left <= 0) throw new CliError(`queue "${name}" is empty`, EXIT.CONFLICT, opts.wait ? 'nothing arrived within --wait' : 'push to it first, or pass --wait 30s to wait for an item');
          await new Promise((r) => setTimeout(r, Math.min(left, delay)));
        }
      }),
    );
}
