import { version } from '../../packages/cli/package.json';

/**
 * The release both CLIs report for `--version`: the version of the package they ship in
 * (packages/cli/package.json, @agent-blob/cli), bundled in at build time (esbuild inlines the one
 * field of the JSON), so it cannot drift from the package that was built.
 */
export const CLI_VERSION: string = version;
