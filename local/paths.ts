import { join } from 'node:path';

/** The repository root (the launcher's venv, tools/ and the app's sources are found from it). */
export const ROOT = join(__dirname, '..');
/** The local copy's own working directory: cached assemblies, the running instance's record, bench scratch. */
export const LOCAL_DIR = join(ROOT, '.local');
