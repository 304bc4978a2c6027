import { version } from '../../package.json';

/**
 * The release both CLIs report for `--version`: package.json's, bundled in at build time (esbuild
 * inlines the one field of the JSON), so it cannot drift from the package that was built.
 */
export const CLI_VERSION: string = version;
