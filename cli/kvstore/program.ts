import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from '../shared/options';
import { runMain } from '../shared/errors';
import { registerLockCommands } from './commands/lock';
import { registerQueueCommands } from './commands/queue';
import { registerValueCommands } from './commands/values';
import { toKvCliError } from './errors';

/**
 * `kvstore`: the stack's DynamoDB table from the shell. JSON on stdout, one error line on stderr,
 * exit codes from core/cli-errors (see README "kvstore").
 */
export function buildProgram(): Command {
  const program = new Command('kvstore')
    .description('key-value store, counters, locks and queues over the environment\'s DynamoDB table')
    .exitOverride()
    // Usage errors are reported once, as the same one-line format as every other error.
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true);
  addGlobalOptions(program).option('--table <name>', 'table name, instead of the one --env publishes');
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
