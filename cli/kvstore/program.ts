import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from '../shared/options';
import { runMain } from '../shared/errors';
import { registerLockCommands } from './commands/lock';
import { registerQueueCommands } from './commands/queue';
import { registerValueCommands } from './commands/values';
import { toKvCliError } from './errors';
import { CLI_VERSION } from '../shared/version';

/**
 * `kvstore`: the stack's DynamoDB table from the shell. JSON on stdout, one error line on stderr,
 * exit codes from cli/shared/cli-errors.ts (see README "kvstore").
 */
export function buildProgram(): Command {
  const program = new Command('kvstore')
    .description('key-value store, counters, locks and queues over the environment\'s DynamoDB table')
    .version(CLI_VERSION)
    .exitOverride()
    // Usage errors are reported once, as the same one-line format as every other error.
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true);
  addGlobalOptions(program).option('--table <name>', 'table name, instead of the one --env publishes');
  program.addHelpText(
    'after',
    `
Keys are namespace/name (deployment/latest-version); list PREFIX queries the namespace before the first '/'.
Exit codes: 0 ok, 1 unexpected, 2 usage, 3 configuration (unknown or undeployed environment),
4 credentials/access, 5 key or table not found, 6 conflict (lock held, stale token, queue empty,
value over 400 KB, not a number), 8 service unavailable after retries.`,
  );
  registerValueCommands(program);
  registerLockCommands(program);
  registerQueueCommands(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  await runMain('kvstore', async () => {
    try {
      await buildProgram().parseAsync(argv);
    } catch (err) {
      if (err instanceof CommanderError && err.exitCode === 0) return;
      throw toKvCliError(err);
    }
  });
}
