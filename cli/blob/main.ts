import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from '../shared/cli-errors';
import { runMain, toCliError } from '../shared/errors';
import { addGlobalOptions, collect } from '../shared/options';
import { CLI_VERSION } from '../shared/version';
import { archivedReadError } from './archive';
import { BlobContext } from './context';
import { agentOf, explainDenied, rejectedSession } from '../shared/agent-identity';

/**
 * `blob`: S3 for agents through plain shell commands. JSON on stdout, one error line on stderr,
 * exit codes from cli/shared/cli-errors.ts. Command modules load lazily so `--help` and small
 * commands start fast.
 */
function build(): Command {
  const program = addGlobalOptions(new Command('blob'))
    .description('Durable blob storage (S3) for agents: JSON on stdout, errors on stderr, documented exit codes.')
    .version(CLI_VERSION)
    .option('--literal-key', 'take keys exactly as written: a "?versionId=" in a key is part of it, not a version')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError();

  const ctx = (cmd: Command): BlobContext => new BlobContext(cmd);
  // Service errors name the command and its first operand: "get s3://b/k: not found".
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await fn(...args);
      } catch (err) {
        const cmd = args[args.length - 1] as Command;
        const what = `${cmd.name()} ${String(args[0])}`;
        const stale = await rejectedSession(err, agentOf(cmd));
        if (stale) throw stale;
        throw explainDenied(archivedReadError(err, what, String(args[0])) ?? toCliError(err, { what }), agentOf(cmd));
      }
    };

  program
    .command('put')
    .description('upload a file, or stdin with "-", to s3://bucket/key (or a short key with --env)')
    .argument('<src>', 'local file or - for stdin')
    .argument('<dst>', 's3://bucket/key or key')
    .option('--metadata <k=v>', 'user metadata (repeatable)', collect)
    .option('--tags <k=v,...>', 'object tags')
    .option('--storage-class <class>', 'e.g. STANDARD, STANDARD_IA, GLACIER_IR')
    .option('--content-type <type>', 'default: guessed from the file name')
    .option('--concurrency <n>', 'parallel part uploads (stdin memory stays ≤ 32 MiB of parts)', '8')
    .option('--if-none-match <star>', "'*': create only; exit 6 if the key exists")
    .option('--if-match <etag>', 'replace only if the current ETag is this (compare-and-swap); else exit 6')
    .action(act(async (src: string, dst: string, flags, cmd: Command) => (await import('./commands/put')).put(ctx(cmd), src, dst, flags)));

  program
    .command('get')
    .description('download an object to a file, or to stdout with "-"')
    .argument('<src>', 's3://bucket/key[?versionId=] or key')
    .argument('[dst]', 'local file or - for stdout', '-')
    .option('--range <start-end>', 'inclusive byte range, e.g. 0-1048575')
    .option('--version-id <id>', 'a specific version')
    .option('--concurrency <n>', 'parallel 8 MiB range requests for large objects (memory ≈ n × 8 MiB)', '4')
    .action(act(async (src: string, dst: string, flags, cmd: Command) => (await import('./commands/get')).get(ctx(cmd), src, dst, flags)));

  program
    .command('put-dir')
    .description('upload a directory tree under a prefix; identical files are skipped')
    .argument('<dir>')
    .argument('<prefix>', 's3://bucket/prefix/ or prefix/')
    .option('--metadata <k=v>', 'user metadata on every object (repeatable)', collect)
    .option('--tags <k=v,...>', 'tags on every object')
    .option('--storage-class <class>')
    .option('--content-type <type>', 'default: guessed per file')
    .option('--concurrency <n>', 'files in parallel', '32')
    .action(act(async (dir: string, prefix: string, flags, cmd: Command) => (await import('./commands/dirs')).putDirectory(ctx(cmd), dir, prefix, flags)));

  program
    .command('get-dir')
    .description('download every object under a prefix into a directory; identical files are skipped')
    .argument('<prefix>')
    .argument('<dir>')
    .option('--concurrency <n>', 'files in parallel', '32')
    .action(act(async (prefix: string, dir: string, flags, cmd: Command) => (await import('./commands/dirs')).getDirectory(ctx(cmd), prefix, dir, flags)));

  program
    .command('list')
    .alias('ls')
    .description('list objects under a prefix (all levels; --no-recursive for one level)')
    .argument('<prefix>', 's3://bucket/prefix or prefix')
    .option('--recursive', 'every key under the prefix (default)')
    .option('--no-recursive', 'one level, with sub-prefixes under "prefixes"')
    .option('--since <when>', 'modified since an ISO date or e.g. "7 days ago"')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'jsonl', 'keys', 'table']).default('json'))
    .option('--no-metadata', 'skip the per-object HEAD that fills "metadata" (faster for big listings)')
    .option('--with-metadata', 'also fetch each object\'s tags')
    .action(act(async (prefix: string, flags, cmd: Command) => (await import('./commands/list')).list(ctx(cmd), prefix, flags)));

  program
    .command('versions')
    .description('list the versions of an object')
    .argument('<key>')
    .action(act(async (key: string, _flags, cmd: Command) => (await import('./commands/objects')).versions(ctx(cmd), key)));

  program
    .command('copy')
    .alias('cp')
    .description('server-side copy (SRC may carry ?versionId=); metadata and tags are kept')
    .argument('<src>')
    .argument('<dst>')
    .option('--version-id <id>', 'copy this version of SRC')
    .option('--if-none-match <star>', "'*': only if DST does not exist; else exit 6")
    .option('--if-match <etag>', 'only if DST\'s current ETag is this; else exit 6')
    .action(act(async (src: string, dst: string, flags, cmd: Command) => (await import('./commands/objects')).copy(ctx(cmd), src, dst, flags)));

  program
    .command('delete')
    .alias('rm')
    .description('delete an object (a delete marker when versioned) or one version')
    .argument('<key>')
    .option('--version-id <id>', 'permanently delete this version')
    .option('--if-match <etag>', 'only if the current ETag is this (\'*\': only if it exists); else exit 6')
    .action(act(async (key: string, flags, cmd: Command) => (await import('./commands/objects')).remove(ctx(cmd), key, flags)));

  program
    .command('head')
    .description('size, content type, metadata and tags of an object')
    .argument('<key>')
    .option('--version-id <id>')
    .action(act(async (key: string, flags, cmd: Command) => (await import('./commands/objects')).head(ctx(cmd), key, flags)));

  program
    .command('tag')
    .description('print an object\'s tags, or replace them with k=v,k=v (--merge to add)')
    .argument('<key>')
    .argument('[tags]', 'k=v,k=v')
    .option('--merge', 'add to the existing tags instead of replacing them')
    .option('--version-id <id>')
    .action(act(async (key: string, tags: string | undefined, flags, cmd: Command) => (await import('./commands/objects')).tag(ctx(cmd), key, tags, flags)));

  program
    .command('presign')
    .description('print a presigned URL (at most 7 days, the SigV4 limit)')
    .argument('<key>')
    .option('--method <method>', 'GET or PUT', 'GET')
    .option('--expires <duration>', 'seconds, or 30s, 15m, 24h, 7d', '3600')
    .option('--content-type <type>', 'PUT only: the Content-Type the uploader must send')
    .option('--version-id <id>', 'GET only')
    .action(act(async (key: string, flags, cmd: Command) => (await import('./commands/presign')).presign(ctx(cmd), key, flags)));

  program
    .command('restore')
    .description('bring an archived (GLACIER, DEEP_ARCHIVE) object back for N days so it can be read; with --snapshot/--at, roll a prefix back')
    .argument('<target>', 'the archived object: s3://bucket/key[?versionId=] or key; with --snapshot/--at, the prefix')
    .option('--days <n>', 'how long the restored copy stays readable', '7')
    .option('--tier <tier>', 'Standard (3-5 h), Bulk (5-12 h, cheapest) or Expedited (1-5 min)', 'Standard')
    .option('--snapshot <name>', 'instead: make the prefix TARGET equal to this snapshot (server-side copies of its versions)')
    .option('--at <time>', 'instead: make the prefix TARGET equal to its state at this ISO time or duration ago (e.g. 2h), from version history')
    .option('--dry-run', 'with --snapshot/--at: count what would change, change nothing')
    .option('--delete', 'with --snapshot/--at: also delete keys the target state lacks (delete markers)')
    .option('--concurrency <n>', 'with --snapshot/--at: requests in flight', '16')
    .action(
      act(async (target: string, flags, cmd: Command) => {
        // issue 15: --snapshot/--at dispatch to commands/workspace-restore
        if (flags.snapshot !== undefined || flags.at !== undefined) return (await import('./commands/workspace-restore')).restore(ctx(cmd), target, flags);
        if (flags.dryRun || flags.delete) throw new CliError('--dry-run and --delete go with --snapshot or --at', EXIT.USAGE, 'see blob restore --help');
        return (await import('./commands/archive-restore')).archiveRestore(ctx(cmd), target, flags);
      }),
    );

  const snapshot = program.command('snapshot').description('record, list, show and compare snapshots of a prefix (which version of each object was current)');
  snapshot
    .command('create')
    .description('record every current object\'s key, version id, ETag and size under PREFIX at this instant (a manifest under PREFIX.snapshots/)')
    .argument('<prefix>')
    .option('--name <name>', 'default: the instant, e.g. 2026-11-30T22-00-00Z')
    .action(act(async (prefix: string, flags, cmd: Command) => (await import('./commands/snapshot')).create(ctx(cmd), prefix, flags)));
  snapshot
    .command('list')
    .description('the snapshots of PREFIX')
    .argument('<prefix>')
    .action(act(async (prefix: string, _flags, cmd: Command) => (await import('./commands/snapshot')).list(ctx(cmd), prefix)));
  snapshot
    .command('show')
    .description('a snapshot\'s manifest as NDJSON: header, one line per object, totals')
    .argument('<prefix>')
    .argument('<name>')
    .action(act(async (prefix: string, name: string, _flags, cmd: Command) => (await import('./commands/snapshot')).show(ctx(cmd), prefix, name)));
  snapshot
    .command('diff')
    .description('NDJSON of keys added, removed or modified from snapshot A to snapshot B ("now": the current state)')
    .argument('<prefix>')
    .argument('<a>')
    .argument('<b>', 'a snapshot name or now')
    .action(act(async (prefix: string, a: string, b: string, _flags, cmd: Command) => (await import('./commands/snapshot')).diff(ctx(cmd), prefix, a, b)));

  program
    .command('fork')
    .description('copy PREFIX (now, a snapshot, or its state at a time) into NEW_PREFIX by server-side copies; the original is untouched')
    .argument('<prefix>')
    .argument('<new-prefix>')
    .option('--snapshot <name>', 'fork this snapshot of PREFIX')
    .option('--at <time>', 'fork PREFIX as it was at this ISO time or duration ago')
    .option('--dry-run', 'count what would be copied, copy nothing')
    .option('--delete', 'also delete keys under NEW_PREFIX that the source lacks')
    .option('--concurrency <n>', 'requests in flight', '16')
    .action(act(async (prefix: string, to: string, flags, cmd: Command) => (await import('./commands/fork')).fork(ctx(cmd), prefix, to, flags)));

  program
    .command('select')
    .description('run SQL over a CSV, JSON Lines or Parquet object (S3 Select when available, else streamed on the client)')
    .argument('<key>')
    .argument('<sql>', 'e.g. "SELECT * FROM s3object s WHERE s.level = \'ERROR\'"')
    .addOption(new Option('--format <format>', 'input format (default: from the key\'s extension)').choices(['csv', 'json', 'jsonl', 'parquet']))
    .addOption(new Option('--output <format>', 'output format').choices(['jsonl', 'json', 'csv']).default('jsonl'))
    .addOption(new Option('--engine <engine>', 'auto: S3 Select when the query and endpoint allow, else client').choices(['auto', 's3', 'client']).default('auto'))
    .option('--delimiter <char>', 'CSV field delimiter', ',')
    .option('--no-header', 'CSV has no header row (columns are _1, _2, ...)')
    .action(act(async (key: string, sql: string, flags, cmd: Command) => (await import('./commands/select')).select(ctx(cmd), key, sql, flags)));

  program
    .command('history')
    .description('audit trail of a key: who changed it, when (from the environment\'s audit table)')
    .argument('<key>')
    .option('--limit <n>', 'most recent N records', '50')
    .action(act(async (key: string, flags, cmd: Command) => (await import('./commands/history')).history(ctx(cmd), key, flags)));

  program
    .command('whoami')
    .description('who the credentials are (STS) and, for an agent (--as, or a session from blob credentials), what it may touch')
    .action(act(async (_flags, cmd: Command) => (await import('./commands/whoami')).whoami(ctx(cmd))));

  program
    .command('credentials')
    .description('print a fresh agent session (--as AGENT [--session ID]) as export lines for an agent\'s sandbox')
    .option('--duration <d>', '15m to 12h', '1h')
    .addOption(new Option('--format <format>', 'env: export lines; json: credential_process JSON').choices(['env', 'json']).default('env'))
    .action(act(async (flags, cmd: Command) => (await import('./commands/credentials')).credentials(ctx(cmd), flags)));

  program
    .command('mcp')
    .description('serve these commands as Model Context Protocol tools over stdio (Claude Code, Claude Desktop, any MCP client)')
    .option('--read-only', 'list only the tools that write nothing')
    .option('--allow-prefix <prefix>', 'refuse every key outside this prefix (repeatable); kvstore closes unless --allow-kv-prefix', collect)
    .option('--allow-kv-prefix <prefix>', 'refuse kvstore keys, locks and queues outside this prefix (repeatable)', collect)
    .option('--allow-dir <dir>', 'put (path), put_dir and get_dir only inside this local directory (repeatable; closed with --allow-prefix unless given)', collect)
    .option('--table <name>', 'kvstore table (default: the environment\'s)')
    .option('--http <port>', 'serve Streamable HTTP on 127.0.0.1:PORT instead of stdio')
    .action(act(async (flags, cmd: Command) => (await import('../mcp/server')).serveMcp(cmd, flags)));

  return program;
}

void runMain('blob', async () => {
  const program = build();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return;
      const text = err.message.replace(/^error:\s*/, '');
      throw new CliError(text, EXIT.USAGE, 'see blob --help');
    }
    throw err;
  }
});
