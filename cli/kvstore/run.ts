import { Command, Option } from 'commander';
import { KvContext } from './context';
import { toKvCliError } from './errors';
import { agentOf, explainDenied, rejectedSession } from '../shared/agent-identity';

/**
 * Wraps a command action: builds the context from the parsed options, maps failures to one-line
 * exit-coded errors that name the key and table, and closes the client however the action ends.
 */
export function action<A extends unknown[]>(fn: (ctx: KvContext, ...args: A) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = new KvContext(cmd);
    try {
      await fn(ctx, ...(args.slice(0, -1) as A));
    } catch (err) {
      const stale = await rejectedSession(err, agentOf(cmd));
      if (stale) throw stale;
      // With --as, a denial names the agent: the key and table alone do not say why alice may not.
      throw explainDenied(toKvCliError(err, { key: ctx.key, tableName: ctx.tableName, bucketName: ctx.bucketName }), agentOf(cmd), ctx.key && `key ${ctx.key}`);
    } finally {
      ctx.close();
    }
  };
}

export const formatOption = (): Option =>
  new Option('--format <format>', 'json: a JSON document; value: just the value (strings raw, for $(...))').choices(['json', 'value']).default('json');

export const ttlOption = (): Option => new Option('--ttl <duration>', 'expire after 30s, 10m, 24h, 7d (or seconds); expired values read as absent');
