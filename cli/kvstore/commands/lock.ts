import { Command, Option } from 'commander';
import { hostname } from 'node:os';
import type { LockGrant } from '../kvstore-lock';
import { parseDuration } from '../../shared/duration';
import { printJson, printLine } from '../../shared/output';
import { KvContext } from '../context';
import { parseInteger } from '../input';
import { action } from '../run';

/** The lock protocol loads with the DynamoDB client, when a lock command runs (not for --help). */
const lockProtocol = async () => (await import('../kvstore-lock')).KvLock;

/** lock acquire / release / renew / status: leased mutual exclusion with fencing tokens. */
function grantJson(g: LockGrant): Record<string, string | number> {
  return { lock: g.name, token: g.token, owner: g.owner, lease_until: g.leaseUntil.toISOString() };
}

const leaseOption = (): Option => new Option('--lease <duration>', 'how long the lock is held unless renewed: 30s, 10m, 1h').default('30s');
const tokenOption = (): Option => new Option('--token <n>', 'the fencing token acquire printed').makeOptionMandatory();

export function registerLockCommands(program: Command): void {
  const lock = program.command('lock').description('leased locks with fencing tokens (the token grows with every acquire)');

  lock
    .command('acquire')
    .description('take the lock and print its fencing token; exit 6 while another holder\'s lease runs')
    .argument('<name>', 'lock name, e.g. deploy/prod')
    .addOption(leaseOption())
    .option('--wait <duration>', 'keep trying for this long before giving up (exit 6)')
    .option('--owner <label>', 'who holds it, shown to others (default: host:pid)')
    .addOption(new Option('--format <format>', 'json, or value: just the token').choices(['json', 'value']).default('json'))
    .action(
      action(async (ctx: KvContext, name: string, opts: { lease: string; wait?: string; owner?: string; format: string }) => {
        ctx.key = name;
        const leaseSeconds = parseDuration(opts.lease, '--lease');
        const waitSeconds = opts.wait === undefined ? undefined : parseDuration(opts.wait, '--wait');
        const owner = opts.owner ?? `${hostname()}:${process.pid}`;
        const locks = new (await lockProtocol())((await ctx.open()).store);
        const grant =
          waitSeconds === undefined ? await locks.acquire(name, { leaseSeconds, owner }) : await locks.acquireWaiting(name, { leaseSeconds, owner, waitSeconds });
        if (opts.format === 'value') await printLine(String(grant.token));
        else await printJson(grantJson(grant));
      }),
    );

  lock
    .command('release')
    .description('free the lock if TOKEN still holds it (repeating a release is harmless); exit 6 if it was taken over')
    .argument('<name>', 'lock name')
    .addOption(tokenOption())
    .action(
      action(async (ctx: KvContext, name: string, opts: { token: string }) => {
        ctx.key = name;
        const token = parseInteger(opts.token, '--token');
        const { released } = await new (await lockProtocol())((await ctx.open()).store).release(name, token);
        await printJson({ lock: name, token, released });
      }),
    );

  lock
    .command('renew')
    .description('extend the lease of a lock TOKEN still holds; exit 6 if the lease already ran out')
    .argument('<name>', 'lock name')
    .addOption(tokenOption())
    .addOption(leaseOption())
    .action(
      action(async (ctx: KvContext, name: string, opts: { token: string; lease: string }) => {
        ctx.key = name;
        const token = parseInteger(opts.token, '--token');
        const leaseSeconds = parseDuration(opts.lease, '--lease');
        await printJson(grantJson(await new (await lockProtocol())((await ctx.open()).store).renew(name, token, leaseSeconds)));
      }),
    );

  lock
    .command('status')
    .description('whether the lock is held, by whom, until when, and the latest token')
    .argument('<name>', 'lock name')
    .action(
      action(async (ctx: KvContext, name: string) => {
        ctx.key = name;
        const s = await new (await lockProtocol())((await ctx.open()).store).state(name);
        await printJson({
          lock: s.name,
          held: s.held,
          token: s.token,
          ...(s.owner !== undefined ? { owner: s.owner } : {}),
          ...(s.leaseUntil ? { lease_until: s.leaseUntil.toISOString() } : {}),
        });
      }),
    );
}
